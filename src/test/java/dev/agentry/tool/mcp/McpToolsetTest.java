package dev.agentry.tool.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.AgentryException;
import dev.agentry.asset.Secret;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolInvoker;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolsetDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An MCP server started as a real process over stdio, through langchain4j's MCP client. */
class McpToolsetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final McpToolsetFactory factory = new McpToolsetFactory();

    @AfterEach
    void close() {
        factory.closeAll();
    }

    private static ToolsetDefinition.Mcp notes(List<String> allow, Map<String, ToolAnnotations> annotations) {
        return new ToolsetDefinition.Mcp(
                "notes",
                "A notebook over MCP.",
                NotesMcpServer.command(),
                Map.of("NOTES_MODE", new Secret("test", null)),
                null,
                null,
                null,
                Duration.ofSeconds(20),
                allow,
                annotations);
    }

    private static ToolResult call(Tool tool, String arguments) throws Exception {
        return tool.call(
                new ToolCall("call_1", tool.spec().id(), JSON.readTree(arguments)),
                new ToolContext("run_1", "agent", 1, Instant.now().plusSeconds(30), "default", ToolInvoker.none()));
    }

    @Test
    void lists_only_allowed_tools_with_their_schemas_and_the_servers_annotations() {
        List<Tool> tools = factory.create(notes(List.of("add_note", "list_notes"), Map.of()));

        assertThat(tools).extracting(tool -> tool.spec().id()).containsExactly("notes.add_note", "notes.list_notes");
        Tool add = tools.get(0);
        assertThat(add.spec().parameters().json().at("/properties/text/type").asText())
                .isEqualTo("string");
        assertThat(add.spec().parameters().json().at("/required/0").asText()).isEqualTo("text");
        assertThat(add.spec().annotations()).isEqualTo(new ToolAnnotations(false, false, false, false));
        assertThat(tools.get(1).spec().annotations()).isEqualTo(ToolAnnotations.READ_ONLY);
    }

    @Test
    void calls_reach_the_server_and_json_text_comes_back_as_json() throws Exception {
        List<Tool> tools = factory.create(notes(List.of("*"), Map.of()));
        Tool add = tools.stream()
                .filter(t -> t.spec().name().equals("add_note"))
                .findFirst()
                .orElseThrow();
        Tool list = tools.stream()
                .filter(t -> t.spec().name().equals("list_notes"))
                .findFirst()
                .orElseThrow();
        Tool fail = tools.stream()
                .filter(t -> t.spec().name().equals("fail"))
                .findFirst()
                .orElseThrow();

        assertThat(call(add, "{\"text\": \"call Ng\"}")).isEqualTo(ToolResult.success(JSON.readTree("{\"count\": 1}")));
        assertThat(call(list, "{}")).isEqualTo(ToolResult.success(JSON.readTree("[\"call Ng\"]")));
        assertThat(call(fail, "{}"))
                .isEqualTo(ToolResult.failed("notes.fail failed in the MCP server: the notebook is on fire"));
        assertThat(fail.spec().annotations()).isEqualTo(ToolAnnotations.UNANNOTATED);
    }

    @Test
    void annotations_in_the_toolset_override_the_servers() {
        List<Tool> tools = factory.create(
                notes(List.of("add_note"), Map.of("add_note", new ToolAnnotations(false, false, true, true))));

        assertThat(tools.getFirst().spec().annotations().callableFromCode()).isTrue();
        assertThat(tools.getFirst().spec().annotations().idempotent()).isTrue();
    }

    @Test
    void an_allowed_tool_the_server_lacks_is_named_with_what_it_offers() {
        assertThatThrownBy(() -> factory.create(notes(List.of("add_note", "delete_all"), Map.of())))
                .isInstanceOf(AgentryException.InvalidInput.class)
                .hasMessage("MCP toolset 'notes' allows [delete_all], which the server does not offer; it offers"
                        + " [add_note, environment, fail, list_notes]. Fix the names in tools/notes.yaml");
    }

    @Test
    void a_stdio_server_sees_only_the_basics_and_its_own_env() throws Exception {
        Tool environment =
                factory.create(notes(List.of("environment"), Map.of())).getFirst();

        JsonNode names = JSON.readTree(call(environment, "{}").modelText());

        List<String> seen = new java.util.ArrayList<>();
        names.forEach(name -> seen.add(name.asText()));
        assertThat(seen).contains("NOTES_MODE", "PATH");
        assertThat(seen)
                .allMatch(name ->
                        name.equals("NOTES_MODE") || StdioEnvironment.KEPT.contains(name) || name.startsWith("LC_"));
    }

    @Test
    void the_server_is_started_without_every_other_variable_of_the_service() {
        List<String> command = StdioEnvironment.command(
                        List.of("npx", "server"),
                        Map.of("PATH", "/bin", "DATABASE_PASSWORD", "x", "GITHUB_TOKEN", "y", "LC_ALL", "C"),
                        Set.of("GITHUB_TOKEN"))
                .orElseThrow();

        assertThat(command).endsWith("-u", "DATABASE_PASSWORD", "npx", "server");
        assertThat(String.join(" ", command)).doesNotContain("GITHUB_TOKEN", "PATH", "LC_ALL", "=");
    }

    @Test
    void a_command_that_does_not_start_is_a_clear_error() {
        ToolsetDefinition.Mcp broken = new ToolsetDefinition.Mcp(
                "broken",
                "",
                List.of("/nonexistent/mcp-server"),
                null,
                null,
                null,
                null,
                Duration.ofSeconds(5),
                List.of("*"),
                null);

        assertThatThrownBy(() -> factory.create(broken))
                .isInstanceOf(AgentryException.Unavailable.class)
                .hasMessageStartingWith(
                        "MCP toolset 'broken' could not connect to its command [/nonexistent/mcp-server]");
    }

    @Test
    void server_tool_names_become_agentry_names() {
        assertThat(McpToolsetFactory.agentryName("gh", "search-Issues.v2")).isEqualTo("search_issues_v2");
        assertThat(McpToolsetFactory.agentryName("gh", "2fa")).isEqualTo("t_2fa");
    }
}
