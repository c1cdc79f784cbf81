package dev.agentry.run;

import dev.agentry.AgentryException;
import dev.agentry.agent.AgentCatalog;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.asset.AssetEntry;
import dev.agentry.model.ModelClients;
import dev.agentry.model.ModelsConfig;
import dev.agentry.model.Price;
import dev.agentry.policy.PoliciesConfig;
import dev.agentry.policy.Policy;
import dev.agentry.policy.PolicyCatalog;
import dev.agentry.policy.PolicyEngine;
import dev.agentry.sandbox.SandboxCatalog;
import dev.agentry.sandbox.SandboxProfile;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Turns an agent's name into a {@link RunPlan}, checking what a single file cannot: that its tools,
 * policies and sandbox profile exist and are valid. The same checks decide whether {@code GET /v1/agents} lists it
 * as valid.
 */
@ApplicationScoped
public class AgentResolver {

    private final AgentCatalog agents;
    private final ToolRegistry tools;
    private final PolicyCatalog policies;
    private final ModelClients models;
    private final SandboxCatalog sandboxes;
    private final PolicyEngine engine;
    private final List<String> globalPolicies;
    private final ModelsConfig modelsConfig;

    AgentResolver(
            AgentCatalog agents,
            ToolRegistry tools,
            PolicyCatalog policies,
            ModelClients models,
            SandboxCatalog sandboxes,
            PolicyEngine engine,
            PoliciesConfig policiesConfig,
            ModelsConfig modelsConfig) {
        this.agents = agents;
        this.tools = tools;
        this.policies = policies;
        this.models = models;
        this.sandboxes = sandboxes;
        this.engine = engine;
        this.globalPolicies = policiesConfig.global().orElse(List.of());
        this.modelsConfig = modelsConfig;
    }

    /**
     * @throws AgentryException.NotFound when there is no such agent
     * @throws AgentryException.InvalidInput (422) when it exists but cannot run, with the reason
     */
    public RunPlan plan(String name) {
        return plan(name, null);
    }

    /**
     * The plan for a run started by {@code trigger}: a scheduled run has its schedule's limits when the
     * schedule sets some.
     *
     * @param trigger null when the plan is for no run in particular
     */
    public RunPlan plan(String name, Trigger trigger) {
        AssetEntry<AgentDefinition> entry = agents.find(name)
                .orElseThrow(() -> new AgentryException.NotFound("there is no agent named '" + name
                        + "'; GET /v1/agents lists them, and agents/" + name + ".yaml would define it"));
        AgentDefinition defined =
                switch (entry) {
                    case AssetEntry.Invalid<AgentDefinition> invalid ->
                        throw new AgentryException.InvalidInput(
                                422,
                                "agent '" + name + "' is invalid: "
                                        + invalid.problem().describe());
                    case AssetEntry.Valid<AgentDefinition> valid -> valid.value();
                };
        AgentDefinition agent = trigger != null
                        && trigger.scheduled()
                        && defined.schedule() != null
                        && defined.schedule().limits() != null
                ? defined.withLimits(defined.schedule().limits())
                : defined;
        List<Tool> resolved = resolveTools(entry.file(), agent);
        checkPolicies(entry.file(), agent);
        checkSandbox(entry.file(), agent, resolved);
        Price price = price(entry.file(), agent);
        return RunPlan.of(
                        agent,
                        models.clientFor(agent.name(), agent.model()),
                        resolved,
                        tool -> engine.offered(agent.policies(), tool.spec().id()))
                .withPrice(price);
    }

    /** Why the agent cannot run, in the {@code file:line: problem} form; empty when it can. */
    public Optional<String> problem(AssetEntry<AgentDefinition> entry) {
        return switch (entry) {
            case AssetEntry.Invalid<AgentDefinition> invalid ->
                Optional.of(invalid.problem().describe());
            case AssetEntry.Valid<AgentDefinition> valid -> {
                try {
                    List<Tool> resolved = resolveTools(entry.file(), valid.value());
                    checkPolicies(entry.file(), valid.value());
                    checkSandbox(entry.file(), valid.value(), resolved);
                    price(entry.file(), valid.value());
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

    /** The price of the agent's model, if configured; an agent with a cost cap needs one. */
    private Price price(String file, AgentDefinition agent) {
        String model = agent.model().name();
        Optional<Price> price = modelsConfig.price(model);
        if (price.isEmpty() && agent.limits().maxCost() != null) {
            throw new AgentryException.InvalidInput(
                    422,
                    file + ": field 'limits.max-cost' needs the price of model '" + model + "': set"
                            + " agentry.models.prices.\"" + model + "\".input and .output (USD per million tokens)");
        }
        return price.orElse(null);
    }

    /** An agent that may run code needs its sandbox profile, valid. */
    private void checkSandbox(String file, AgentDefinition agent, List<Tool> resolved) {
        boolean runsCode = resolved.stream().anyMatch(tool -> tool.spec().id().equals("code.run"));
        if (!runsCode) {
            return;
        }
        Optional<AssetEntry<SandboxProfile>> profile = sandboxes.find(agent.sandbox());
        if (profile.isEmpty()) {
            throw new AgentryException.InvalidInput(
                    422,
                    file + ": field 'sandbox' names '" + agent.sandbox() + "', which does not exist; add sandbox/"
                            + agent.sandbox() + ".yaml or name another profile");
        }
        if (profile.get() instanceof AssetEntry.Invalid<SandboxProfile> invalid) {
            throw new AgentryException.InvalidInput(
                    422,
                    file + ": field 'sandbox' names '" + agent.sandbox() + "', which is invalid: "
                            + invalid.problem().describe());
        }
    }

    private void checkPolicies(String file, AgentDefinition agent) {
        for (String name : globalPolicies) {
            Optional<AssetEntry<Policy>> policy = policies.find(name);
            if (policy.isEmpty() || policy.get() instanceof AssetEntry.Invalid<Policy>) {
                String why = policy.isEmpty()
                        ? "does not exist; add policies/" + name + ".yaml or remove it from the setting"
                        : "is invalid: "
                                + ((AssetEntry.Invalid<Policy>) policy.get())
                                        .problem()
                                        .describe();
                throw new AgentryException.InvalidInput(
                        422, "the global policy '" + name + "' (agentry.policies.global) " + why);
            }
        }
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
