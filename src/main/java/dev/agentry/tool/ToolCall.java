package dev.agentry.tool;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One request to execute a tool, after its arguments parsed.
 *
 * @param id unique within the run; the model's call id where there is one
 * @param tool the tool's id, {@code toolset.tool}
 */
public record ToolCall(String id, String tool, JsonNode arguments) {

    public ToolCall {
        requireNonNull(id, "id");
        requireNonNull(tool, "tool");
        requireNonNull(arguments, "arguments");
    }
}
