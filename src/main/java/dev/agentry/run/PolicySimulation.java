package dev.agentry.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.AgentryException;
import dev.agentry.agent.AgentCatalog;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.asset.AssetEntry;
import dev.agentry.policy.CompiledPolicy;
import dev.agentry.policy.Decision;
import dev.agentry.policy.PolicyEngine;
import dev.agentry.policy.PolicyRequest;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replays the recorded tool calls of runs against a draft policy, executing nothing: for each call,
 * what was decided then and what would be decided with the draft in place of the file of the same
 * name (or beside the agent's policies, when it has none of that name). The run's history, counts and
 * times are rebuilt step by step, as the call saw them.
 */
@ApplicationScoped
public class PolicySimulation {

    private final RunStore store;
    private final PolicyEngine engine;
    private final AgentCatalog agents;
    private final ToolRegistry tools;

    PolicySimulation(RunStore store, PolicyEngine engine, AgentCatalog agents, ToolRegistry tools) {
        this.store = store;
        this.engine = engine;
        this.agents = agents;
        this.tools = tools;
    }

    /** One call whose decision the draft changes. */
    public record Change(String runId, int step, String tool, JsonNode arguments, Decision was, Decision now) {}

    /** How many recorded calls were evaluated, and those whose effect the draft changes. */
    public record Result(int evaluated, List<Change> changed) {}

    public Result simulate(CompiledPolicy draft, List<Run> runs) {
        int evaluated = 0;
        List<Change> changed = new ArrayList<>();
        for (Run run : runs) {
            List<String> policies = agents.find(run.agent())
                    .filter(entry -> entry instanceof AssetEntry.Valid<AgentDefinition>)
                    .map(entry ->
                            ((AssetEntry.Valid<AgentDefinition>) entry).value().policies())
                    .orElse(List.of());
            Map<String, Integer> calls = new HashMap<>();
            List<PolicyRequest.PastCall> history = new ArrayList<>();
            int steps = 0;
            long tokens = 0;
            for (Step step : store.steps(run.id())) {
                if (step instanceof Step.ToolStep call
                        && call.decision() != null
                        && call.arguments().isObject()) {
                    evaluated++;
                    String toolset =
                            call.tool().substring(0, Math.max(0, call.tool().indexOf('.')));
                    Instant at = call.startedAt();
                    long elapsed = run.startedAt() == null
                            ? 0
                            : Math.max(0, Duration.between(run.startedAt(), at).toMillis());
                    PolicyRequest request = new PolicyRequest(
                            run.agent(),
                            policies,
                            call.tool(),
                            toolset,
                            call.arguments(),
                            annotations(call.tool()),
                            "model",
                            new PolicyRequest.RunFacts(
                                    run.id(),
                                    run.trigger().type(),
                                    steps,
                                    history.size(),
                                    Map.copyOf(calls),
                                    List.copyOf(history),
                                    tokens,
                                    elapsed),
                            at);
                    Decision now = engine.decideWith(request, draft);
                    if (!now.effect().equals(call.decision().effect())) {
                        changed.add(new Change(
                                run.id(), call.index(), call.tool(), call.arguments(), call.decision(), now));
                    }
                    history.add(new PolicyRequest.PastCall(
                            call.tool(), "model", call.decision().effect()));
                    calls.merge(call.tool(), 1, Integer::sum);
                }
                steps++;
                if (step instanceof Step.ModelStep model) {
                    tokens += model.usage().input() + model.usage().output();
                }
            }
        }
        return new Result(evaluated, changed);
    }

    /** The tool's annotations as they are now; a tool that no longer exists counts as unannotated. */
    private Map<String, Boolean> annotations(String toolId) {
        return ToolGate.annotations(
                find(toolId).map(tool -> tool.spec().annotations()).orElse(ToolAnnotations.UNANNOTATED));
    }

    private Optional<Tool> find(String toolId) {
        if (toolId.indexOf('.') <= 0) {
            return Optional.empty();
        }
        try {
            return tools.resolve(List.of(toolId)).stream().findFirst();
        } catch (AgentryException e) {
            return Optional.empty();
        }
    }
}
