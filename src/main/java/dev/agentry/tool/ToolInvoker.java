package dev.agentry.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * How a tool calls other tools on behalf of the same run, as {@code code.run} does for guest code.
 * Implementations pass every call through the same checks as a model's call: the tool must be the
 * agent's, its arguments must match its schema, and policy decides.
 */
public interface ToolInvoker {

    /** The ids ({@code toolset.tool}) of the tools this invoker may reach. */
    List<String> available();

    ToolResult invoke(String callId, String tool, JsonNode arguments);

    /** An invoker that reaches nothing, for contexts without nested calls. */
    static ToolInvoker none() {
        return new ToolInvoker() {
            @Override
            public List<String> available() {
                return List.of();
            }

            @Override
            public ToolResult invoke(String callId, String tool, JsonNode arguments) {
                return ToolResult.failed("no tool can be called from here");
            }
        };
    }
}
