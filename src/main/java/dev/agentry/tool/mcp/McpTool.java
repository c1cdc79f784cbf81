package dev.agentry.tool.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolSpec;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.io.IOException;

/** One tool of an MCP server, called by the server's own name over the toolset's shared client. */
final class McpTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolSpec spec;
    private final String serverName;
    private final McpClient client;

    McpTool(ToolSpec spec, String serverName, McpClient client) {
        this.spec = spec;
        this.serverName = serverName;
        this.client = client;
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public ToolResult call(ToolCall call, ToolContext context) {
        ToolExecutionResult result;
        try {
            result = client.executeTool(ToolExecutionRequest.builder()
                    .id(call.id())
                    .name(serverName)
                    .arguments(call.arguments().toString())
                    .build());
        } catch (RuntimeException e) {
            // langchain4j's client raises a result the server marked isError as an exception too
            return ToolResult.failed(spec.id() + " failed in the MCP server: " + e.getMessage());
        }
        return ToolResult.success(parse(result.resultText() == null ? "" : result.resultText()));
    }

    /** Servers answer text; text that is JSON is handed on as JSON. */
    private static JsonNode parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                return JSON.readTree(trimmed);
            } catch (IOException notJson) {
                // plain text that happens to start with a bracket
            }
        }
        return JSON.getNodeFactory().textNode(text);
    }
}
