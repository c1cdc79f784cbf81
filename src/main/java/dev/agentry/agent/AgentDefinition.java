package dev.agentry.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.FieldException;
import dev.agentry.model.ModelSettings;
import dev.agentry.tool.ArgumentSchema;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An agent as written in {@code agents/<name>.yaml}.
 *
 * @param name equal to the file's base name
 * @param tools entries {@code toolset.tool} or {@code toolset.*}
 * @param policies names of files in {@code policies/}
 * @param schedule null when the agent only runs on request
 * @param sandbox the profile in {@code sandbox/} its code runs under, when it may run code; default
 *     {@code default}
 * @param outputSchema a JSON Schema (an object schema) the final answer must match, as JSON; null for
 *     free text
 */
public record AgentDefinition(
        String name,
        String description,
        ModelSettings model,
        String instructions,
        List<String> tools,
        List<String> policies,
        Limits limits,
        Schedule schedule,
        String sandbox,
        @JsonProperty("output-schema") JsonNode outputSchema) {

    /** A tool reference: {@code toolset.tool} or {@code toolset.*}. */
    public static final Pattern TOOL_REFERENCE = Pattern.compile("[a-z][a-z0-9-]{0,62}\\.([a-z][a-z0-9_]{0,62}|\\*)");

    public AgentDefinition {
        if (name == null) {
            throw new FieldException("name", "is required; write the agent's name, the same as the file's base name");
        }
        if (!AssetFolder.NAME.matcher(name).matches()) {
            throw new FieldException(
                    "name",
                    "must be lowercase letters, digits and hyphens, starting with a letter and at most 63 long, got '"
                            + name + "'");
        }
        description = description == null ? "" : description;
        if (model == null) {
            throw new FieldException("model", "is required; add a model block with at least provider and name");
        }
        if (instructions == null || instructions.isBlank()) {
            throw new FieldException("instructions", "is required; tell the model what the agent is for");
        }
        tools = checked(tools, "tools", TOOL_REFERENCE, "toolset.tool or toolset.*, such as calendar.list_events");
        policies = checked(policies, "policies", AssetFolder.NAME, "the name of a file in policies/");
        limits = limits == null ? Limits.DEFAULT : limits;
        sandbox = sandbox == null ? "default" : sandbox;
        if (!AssetFolder.NAME.matcher(sandbox).matches()) {
            throw new FieldException("sandbox", "must be the name of a file in sandbox/, got '" + sandbox + "'");
        }
        if (outputSchema != null) {
            List<String> problems = ArgumentSchema.problemsOfSchema(outputSchema);
            if (!problems.isEmpty()) {
                throw new FieldException("output-schema", String.join("; ", problems));
            }
        }
    }

    /** An agent whose answers are free text. */
    public AgentDefinition(
            String name,
            String description,
            ModelSettings model,
            String instructions,
            List<String> tools,
            List<String> policies,
            Limits limits,
            Schedule schedule,
            String sandbox) {
        this(name, description, model, instructions, tools, policies, limits, schedule, sandbox, null);
    }

    /** This agent with other limits: a scheduled run's, when its schedule sets them. */
    public AgentDefinition withLimits(Limits other) {
        return new AgentDefinition(
                name, description, model, instructions, tools, policies, other, schedule, sandbox, outputSchema);
    }

    private static List<String> checked(List<String> values, String field, Pattern pattern, String expected) {
        if (values == null) {
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null || !pattern.matcher(value).matches()) {
                throw new FieldException(field + "[" + i + "]", "must be " + expected + ", got '" + value + "'");
            }
            if (!seen.add(value)) {
                throw new FieldException(field + "[" + i + "]", "repeats '" + value + "'; list it once");
            }
        }
        return List.copyOf(values);
    }
}
