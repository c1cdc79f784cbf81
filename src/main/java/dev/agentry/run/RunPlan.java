package dev.agentry.run;

import static java.util.Objects.requireNonNull;

import dev.agentry.agent.AgentDefinition;
import dev.agentry.model.FunctionSpec;
import dev.agentry.model.ModelClient;
import dev.agentry.model.Price;
import dev.agentry.tool.ArgumentSchema;
import dev.agentry.tool.Tool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An agent resolved for running: its definition, its model client, its tools by the names models use,
 * the schema its answers must match (null for free text) and its model's price (null when none is
 * configured).
 */
public record RunPlan(
        AgentDefinition agent,
        ModelClient model,
        Map<String, Tool> toolsByFunction,
        List<FunctionSpec> functions,
        ArgumentSchema outputSchema,
        Price price) {

    public RunPlan {
        requireNonNull(agent, "agent");
        requireNonNull(model, "model");
        toolsByFunction = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(toolsByFunction));
        functions = List.copyOf(functions);
    }

    public static RunPlan of(AgentDefinition agent, ModelClient model, List<Tool> tools) {
        return of(agent, model, tools, tool -> true);
    }

    /**
     * @param offered whether the model is told of a tool; a tool it is not told of stays callable, so
     *     a call the model makes anyway still reaches policy and is recorded
     */
    public static RunPlan of(
            AgentDefinition agent, ModelClient model, List<Tool> tools, java.util.function.Predicate<Tool> offered) {
        Map<String, Tool> byFunction = new LinkedHashMap<>();
        tools.forEach(tool -> byFunction.put(tool.spec().functionName(), tool));
        List<FunctionSpec> functions = tools.stream()
                .filter(offered)
                .map(tool -> new FunctionSpec(
                        tool.spec().functionName(),
                        tool.spec().description(),
                        tool.spec().parameters().json()))
                .toList();
        ArgumentSchema output = agent.outputSchema() == null ? null : ArgumentSchema.of(agent.outputSchema());
        return new RunPlan(agent, model, byFunction, functions, output, null);
    }

    /** This plan with the price of its model's tokens, for the run's cost and {@code limits.max-cost}. */
    public RunPlan withPrice(Price price) {
        return new RunPlan(agent, model, toolsByFunction, functions, outputSchema, price);
    }

    public Optional<Tool> tool(String functionName) {
        return Optional.ofNullable(toolsByFunction.get(functionName));
    }

    /** The tool with id {@code toolset.tool}, if the agent has it. */
    public Optional<Tool> toolById(String id) {
        int dot = id.indexOf('.');
        return dot < 0 ? Optional.empty() : tool(id.substring(0, dot) + "_" + id.substring(dot + 1));
    }
}
