package dev.agentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import dev.agentry.agent.AgentCatalog;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.AssetEntry;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.Redactor;
import dev.agentry.run.AgentResolver;
import dev.agentry.run.Run;
import dev.agentry.run.RunService;
import dev.agentry.run.Trigger;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Agents: list them, read one, start a run of one. */
@Path("/v1/agents")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Agents")
@RolesAllowed(Role.Names.VIEWER)
public class AgentsResource {

    private static final AssetBinder YAML_NAMES = AssetBinder.create();

    private final AgentCatalog agents;
    private final AgentResolver resolver;
    private final RunService runs;
    private final SecurityIdentity identity;
    private final Redactor redactor;

    AgentsResource(
            AgentCatalog agents,
            AgentResolver resolver,
            RunService runs,
            SecurityIdentity identity,
            Redactor redactor) {
        this.agents = agents;
        this.resolver = resolver;
        this.runs = runs;
        this.identity = identity;
        this.redactor = redactor;
    }

    @GET
    @Operation(summary = "Every agent in agents/, valid or not; an invalid one says why and how to fix it")
    public List<AgentView> list() {
        Caller caller = Callers.of(identity);
        return agents.list().stream()
                .filter(entry -> caller.sees(entry.name()))
                .map(entry -> {
                    String error = resolver.problem(entry).map(redactor::scrub).orElse(null);
                    String description = entry instanceof AssetEntry.Valid<AgentDefinition> valid
                            ? valid.value().description()
                            : "";
                    return new AgentView(entry.name(), description, error == null, error);
                })
                .toList();
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One agent's definition, with the field names of its YAML and secrets masked")
    public JsonNode get(@PathParam("name") String name) {
        return switch (entry(name)) {
            case AssetEntry.Valid<AgentDefinition> valid -> redactor.scrub(YAML_NAMES.toJson(valid.value()));
            case AssetEntry.Invalid<AgentDefinition> invalid ->
                throw new AgentryException.InvalidInput(
                        422,
                        "agent '" + name + "' is invalid: " + invalid.problem().describe());
        };
    }

    @POST
    @Path("/{name}/runs")
    @Consumes(MediaType.WILDCARD)
    @RunOnVirtualThread
    @RolesAllowed(Role.Names.OPERATOR)
    @Operation(
            summary = "Start a run: 202 with its Location; with \"wait\": true, 200 with the finished run"
                    + " (202 with the steps so far if it is still running after the wait timeout, or waits for"
                    + " an approval)")
    public Response start(@PathParam("name") String name, byte[] body) throws InterruptedException {
        checkName(name);
        Caller caller = Callers.of(identity);
        Callers.requireSees(caller, name, notFound(name));
        StartRunRequest start = StartRunRequest.read(body);
        Run run = runs.start(name, start.input(), Trigger.api(caller.actor().describe()), caller.actor());
        URI location = URI.create("/v1/runs/" + run.id());
        if (start.awaitEnd()) {
            RunService.Snapshot after = runs.awaitEnd(run.id(), runs.waitTimeout());
            if (after.run().status().terminal()) {
                return Response.ok(RunView.of(after.run(), after.steps()))
                        .location(location)
                        .build();
            }
            return Response.accepted(RunView.of(after.run(), after.steps()))
                    .location(location)
                    .build();
        }
        return Response.accepted(RunView.of(run, List.of())).location(location).build();
    }

    private AssetEntry<AgentDefinition> entry(String name) {
        checkName(name);
        Callers.requireSees(Callers.of(identity), name, notFound(name));
        return agents.find(name).orElseThrow(() -> new AgentryException.NotFound(notFound(name)));
    }

    private static String notFound(String name) {
        return "there is no agent named '" + name + "'; GET /v1/agents lists them";
    }

    private static void checkName(String name) {
        if (!AssetFolder.NAME.matcher(name).matches()) {
            throw new AgentryException.InvalidInput("'" + abbreviate(name) + "' is not a valid agent name; names are "
                    + "lowercase letters, digits and hyphens, starting with a letter, at most 63 long");
        }
    }

    static String abbreviate(String text) {
        String flat = text.replaceAll("\\p{Cntrl}", "?");
        return flat.length() > 80 ? flat.substring(0, 80) + "..." : flat;
    }
}
