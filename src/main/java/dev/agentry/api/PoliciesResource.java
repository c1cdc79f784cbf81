package dev.agentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import dev.agentry.asset.InvalidAssetException;
import dev.agentry.policy.CompiledPolicy;
import dev.agentry.policy.Decision;
import dev.agentry.policy.PolicyCatalog;
import dev.agentry.run.PolicySimulation;
import dev.agentry.run.Run;
import dev.agentry.run.RunIds;
import dev.agentry.run.RunQuery;
import dev.agentry.run.RunService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Tries a draft policy against what runs really did, before it is put in {@code policies/}. */
@Path("/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Policies")
@RolesAllowed(Role.Names.OPERATOR)
public class PoliciesResource {

    static final int MAX_RUNS = 200;
    private static final String EXAMPLE =
            "{\"policy\": \"name: crm-guard\\nrules: [...]\\n\", \"agent\": \"crm-follow-up\", \"limit\": 200}";
    private static final Set<String> FIELDS = Set.of("policy", "agent", "runs", "limit");

    private final PolicyCatalog policies;
    private final PolicySimulation simulation;
    private final RunService runs;
    private final SecurityIdentity identity;

    PoliciesResource(PolicyCatalog policies, PolicySimulation simulation, RunService runs, SecurityIdentity identity) {
        this.policies = policies;
        this.simulation = simulation;
        this.runs = runs;
        this.identity = identity;
    }

    /** A decision as the API shows it. */
    public record DecisionView(String effect, String policy, String rule, String reason) {
        static DecisionView of(Decision decision) {
            return new DecisionView(decision.effect(), decision.policy(), decision.rule(), decision.reason());
        }
    }

    public record ChangeView(
            String runId, int step, String tool, JsonNode arguments, DecisionView was, DecisionView now) {}

    public record SimulationView(int evaluated, List<ChangeView> changed) {}

    @POST
    @Path("/simulate")
    @Consumes(MediaType.WILDCARD)
    @RunOnVirtualThread
    @Operation(
            summary = "Re-decide the recorded tool calls of an agent's latest runs (or of the runs named) with a"
                    + " draft policy in place of the file of the same name; executes nothing")
    public SimulationView simulate(byte[] body) {
        ObjectNode request = JsonBody.object(body, "a shorter policy or fewer runs", EXAMPLE, EXAMPLE)
                .orElseThrow(() ->
                        new AgentryException.InvalidInput("send a draft policy and an agent, such as " + EXAMPLE));
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new AgentryException.InvalidInput("the request body has an unknown field '"
                        + AgentsResource.abbreviate(name) + "'; the fields are policy, agent, runs and limit");
            }
        }
        JsonNode policy = request.path("policy");
        if (!policy.isTextual() || policy.asText().isBlank()) {
            throw new AgentryException.InvalidInput("policy must be the draft's YAML text, such as " + EXAMPLE);
        }
        boolean byAgent = request.has("agent");
        if (byAgent == request.has("runs")) {
            throw new AgentryException.InvalidInput(
                    "name either an agent (its latest runs) or runs (a list of run ids), not both or neither");
        }
        CompiledPolicy draft;
        try {
            draft = policies.draft(policy.asText());
        } catch (InvalidAssetException e) {
            throw new AgentryException.InvalidInput(
                    422, "the draft policy is invalid: " + e.problem().describe());
        }
        List<Run> chosen = byAgent ? latest(request.path("agent"), request.path("limit")) : named(request.path("runs"));
        PolicySimulation.Result result = simulation.simulate(draft, chosen);
        return new SimulationView(
                result.evaluated(),
                result.changed().stream()
                        .map(change -> new ChangeView(
                                change.runId(),
                                change.step(),
                                change.tool(),
                                change.arguments(),
                                DecisionView.of(change.was()),
                                DecisionView.of(change.now())))
                        .toList());
    }

    /** The agent's newest runs, up to {@code limit}. */
    private List<Run> latest(JsonNode agent, JsonNode limit) {
        if (!agent.isTextual()
                || !dev.agentry.asset.AssetFolder.NAME.matcher(agent.asText()).matches()) {
            throw new AgentryException.InvalidInput("agent must be an agent's name, such as " + EXAMPLE);
        }
        int wanted = MAX_RUNS;
        if (!limit.isMissingNode()) {
            if (!limit.canConvertToInt()
                    || !limit.isIntegralNumber()
                    || limit.asInt() < 1
                    || limit.asInt() > MAX_RUNS) {
                throw new AgentryException.InvalidInput("limit must be a whole number from 1 to " + MAX_RUNS);
            }
            wanted = limit.asInt();
        }
        String name = agent.asText();
        Callers.requireSees(Callers.of(identity), name, "there is no agent named '" + name + "'");
        List<Run> chosen = new ArrayList<>();
        String cursor = null;
        while (chosen.size() < wanted) {
            int size = Math.min(RunQuery.MAX_LIMIT, wanted - chosen.size());
            List<Run> page = runs.list(new RunQuery(name, null, size, cursor));
            chosen.addAll(page);
            if (page.size() < size) {
                break;
            }
            cursor = page.getLast().id();
        }
        return chosen;
    }

    /** The runs named, each of which must exist and be visible to the caller. */
    private List<Run> named(JsonNode ids) {
        if (!ids.isArray() || ids.isEmpty() || ids.size() > MAX_RUNS) {
            throw new AgentryException.InvalidInput("runs must be a list of 1 to " + MAX_RUNS + " run ids");
        }
        Caller caller = Callers.of(identity);
        List<Run> chosen = new ArrayList<>();
        for (JsonNode id : ids) {
            String text = id.asText("");
            String missing = "there is no run with id '" + AgentsResource.abbreviate(text) + "'";
            if (!id.isTextual() || !RunIds.isValid(text)) {
                throw new AgentryException.NotFound(missing);
            }
            Run run = runs.find(text).orElseThrow(() -> new AgentryException.NotFound(missing));
            Callers.requireSees(caller, run.agent(), missing);
            chosen.add(run);
        }
        return chosen;
    }
}
