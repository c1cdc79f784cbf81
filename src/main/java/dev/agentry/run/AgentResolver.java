package dev.agentry.run;

import dev.agentry.AgentryException;
import dev.agentry.agent.AgentCatalog;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.asset.AssetEntry;
import dev.agentry.model.ModelClients;
import dev.agentry.policy.Policy;
import dev.agentry.policy.PolicyCatalog;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Turns an agent's name into a {@link RunPlan}, checking what a single file cannot: that its tools
 * and policies exist and are valid. The same checks decide whether {@code GET /v1/agents} lists it
 * as valid.
 */
@ApplicationScoped
public class AgentResolver {

    private final AgentCatalog agents;
    private final ToolRegistry tools;
    private final PolicyCatalog policies;
    private final ModelClients models;

    AgentResolver(AgentCatalog agents, ToolRegistry tools, PolicyCatalog policies, ModelClients models) {
        this.agents = agents;
        this.tools = tools;
        this.policies = policies;
        this.models = models;
    }

    /**
     * @throws AgentryException.NotFound when there is no such agent
     * @throws AgentryException.InvalidInput (422) when it exists but cannot run, with the reason
     */
    public RunPlan plan(String name) {
        AssetEntry<AgentDefinition> entry = agents.find(name)
                .orElseThrow(() -> new AgentryException.NotFound("there is no agent named '" + name
                        + "'; GET /v1/agents lists them, and agents/" + name + ".yaml would define it"));
        AgentDefinition agent =
                switch (entry) {
                    case AssetEntry.Invalid<AgentDefinition> invalid ->
                        throw new AgentryException.InvalidInput(
                                422,
                                "agent '" + name + "' is invalid: "
                                        + invalid.problem().describe());
                    case AssetEntry.Valid<AgentDefinition> valid -> valid.value();
                };
        List<Tool> resolved = resolveTools(entry.file(), agent);
        checkPolicies(entry.file(), agent);
        return RunPlan.of(agent, models.clientFor(agent.name(), agent.model()), resolved);
    }

    /** Why the agent cannot run, in the {@code file:line: problem} form; empty when it can. */
    public Optional<String> problem(AssetEntry<AgentDefinition> entry) {
        return switch (entry) {
            case AssetEntry.Invalid<AgentDefinition> invalid ->
                Optional.of(invalid.problem().describe());
            case AssetEntry.Valid<AgentDefinition> valid -> {
                try {
                    resolveTools(entry.file(), valid.value());
                    checkPolicies(entry.file(), valid.value());
                    yield Optional.empty();
                } catch (AgentryException e) {
                    yield Optional.of(e.getMessage());
                }
            }
        };
    }

    private List<Tool> resolveTools(String file, AgentDefinition agent) {
        try {
            return tools.resolve(agent.tools());
        } catch (AgentryException.InvalidInput e) {
            throw new AgentryException.InvalidInput(422, file + ": field 'tools': " + e.getMessage());
        }
    }

    private void checkPolicies(String file, AgentDefinition agent) {
        for (String name : agent.policies()) {
            Optional<AssetEntry<Policy>> policy = policies.find(name);
            if (policy.isEmpty()) {
                throw new AgentryException.InvalidInput(
                        422,
                        file + ": field 'policies' names '" + name + "', which does not exist; add policies/" + name
                                + ".yaml or remove the name");
            }
            if (policy.get() instanceof AssetEntry.Invalid<Policy> invalid) {
                throw new AgentryException.InvalidInput(
                        422,
                        file + ": field 'policies' names '" + name + "', which is invalid: "
                                + invalid.problem().describe());
            }
        }
    }
}
