package dev.agentry.tool.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small MCP server over stdio (newline-delimited JSON-RPC 2.0, as the MCP specification's stdio
 * transport says), for tests: a note book with {@code add_note} (writes), {@code list_notes}
 * (read-only), {@code environment} (the names of the environment variables the server sees) and
 * {@code fail} (always an error result). Started as its own process by the tests,
 * with {@code java -cp <test classpath> dev.agentry.tool.mcp.NotesMcpServer}.
 */
public final class NotesMcpServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NOTES = new ArrayList<>();

    private NotesMcpServer() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode request = JSON.readTree(line);
            if (!request.has("id")) {
                continue; // a notification, such as notifications/initialized
            }
            ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
            response.set("id", request.get("id"));
            String method = request.path("method").asText();
            switch (method) {
                case "initialize" -> {
                    ObjectNode result = response.putObject("result");
                    result.put(
                            "protocolVersion",
                            request.at("/params/protocolVersion").asText("2025-06-18"));
                    result.putObject("capabilities").putObject("tools");
                    result.putObject("serverInfo").put("name", "notes").put("version", "1.0");
                }
                case "ping" -> response.putObject("result");
                case "tools/list" -> response.putObject("result").set("tools", tools());
                case "tools/call" -> response.set("result", call(request.path("params")));
                default -> response.putObject("error").put("code", -32601).put("message", "no method " + method);
            }
            out.println(JSON.writeValueAsString(response));
        }
    }

    private static ArrayNode tools() throws Exception {
        return (ArrayNode) JSON.readTree("""
                [{"name": "add_note", "description": "Adds a note and returns how many there are.",
                  "inputSchema": {"type": "object", "properties": {"text": {"type": "string", "minLength": 1}},
                                  "required": ["text"]},
                  "annotations": {"readOnlyHint": false, "destructiveHint": false}},
                 {"name": "list_notes", "description": "Lists the notes as JSON.",
                  "inputSchema": {"type": "object", "properties": {}},
                  "annotations": {"readOnlyHint": true}},
                 {"name": "environment", "description": "Names the environment variables the server sees.",
                  "inputSchema": {"type": "object", "properties": {}},
                  "annotations": {"readOnlyHint": true}},
                 {"name": "fail", "description": "Always fails.",
                  "inputSchema": {"type": "object", "properties": {}}}]""");
    }

    private static ObjectNode call(JsonNode params) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode content = result.putArray("content");
        switch (params.path("name").asText()) {
            case "add_note" -> {
                NOTES.add(params.at("/arguments/text").asText());
                content.addObject().put("type", "text").put("text", "{\"count\": " + NOTES.size() + "}");
            }
            case "list_notes" -> {
                ArrayNode notes = JSON.createArrayNode();
                NOTES.forEach(notes::add);
                content.addObject().put("type", "text").put("text", notes.toString());
            }
            case "environment" -> {
                ArrayNode names = JSON.createArrayNode();
                System.getenv().keySet().stream().sorted().forEach(names::add);
                content.addObject().put("type", "text").put("text", names.toString());
            }
            default -> {
                content.addObject().put("type", "text").put("text", "the notebook is on fire");
                result.put("isError", true);
            }
        }
        return result;
    }

    /** The command that starts this server with the running JVM and the test classpath. */
    public static List<String> command() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-cp", System.getProperty("java.class.path"), NotesMcpServer.class.getName());
    }
}
