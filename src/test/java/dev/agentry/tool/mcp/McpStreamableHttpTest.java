package dev.agentry.tool.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.agentry.asset.Secret;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolInvoker;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolsetDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An MCP server over streamable HTTP, played by WireMock as the specification's wire format says:
 * JSON-RPC in POST bodies, answers as application/json with the request's id, a session id issued
 * at initialize and expected on every later request, 202 for notifications.
 */
class McpStreamableHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server = new WireMockServer(
            WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    private final McpToolsetFactory factory = new McpToolsetFactory();

    @BeforeEach
    void start() {
        server.start();
        server.stubFor(rpc("initialize").willReturn(answer("""
                        {"protocolVersion": "{{jsonPath request.body '$.params.protocolVersion'}}",
                         "capabilities": {"tools": {}}, "serverInfo": {"name": "crm-mcp", "version": "2.1"}}""").withHeader("Mcp-Session-Id", "session-42")));
        server.stubFor(post(urlPathEqualTo("/mcp"))
                .withRequestBody(matchingJsonPath("$.method", equalTo("notifications/initialized")))
                .willReturn(aResponse().withStatus(202)));
        server.stubFor(rpc("tools/list")
                .withHeader("Mcp-Session-Id", equalTo("session-42"))
                .willReturn(answer("""
                        {"tools": [{"name": "lookup-account", "description": "Finds an account by domain.",
                                    "inputSchema": {"type": "object", "properties": {"domain": {"type": "string"}},
                                                    "required": ["domain"]},
                                    "annotations": {"readOnlyHint": true}},
                                   {"name": "merge_accounts", "inputSchema": {"type": "object"}}]}""")));
        server.stubFor(rpc("tools/call")
                .withHeader("Mcp-Session-Id", equalTo("session-42"))
                .withRequestBody(matchingJsonPath("$.params.name", equalTo("lookup-account")))
                .willReturn(answer("""
                        {"content": [{"type": "text", "text": "{\\"id\\": \\"001A\\", \\"name\\": \\"Acme\\"}"}]}""")));
    }

    @AfterEach
    void stop() {
        factory.closeAll();
        server.stop();
    }

    private static MappingBuilder rpc(String method) {
        return post(urlPathEqualTo("/mcp")).withRequestBody(matchingJsonPath("$.method", equalTo(method)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer(String result) {
        return aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody(
                        "{\"jsonrpc\": \"2.0\", \"id\": {{jsonPath request.body '$.id'}}, \"result\": " + result + "}")
                .withTransformers("response-template");
    }

    @Test
    void tools_of_an_http_server_are_listed_filtered_and_called_within_its_session() throws Exception {
        List<Tool> tools = factory.create(new ToolsetDefinition.Mcp(
                "crm-mcp",
                "",
                null,
                null,
                server.baseUrl() + "/mcp",
                Map.of("Authorization", new Secret("Bearer mcp-token", null)),
                null,
                Duration.ofSeconds(10),
                List.of("lookup-account"),
                null));

        assertThat(tools).extracting(tool -> tool.spec().id()).containsExactly("crm-mcp.lookup_account");
        assertThat(tools.getFirst().spec().annotations().readOnly()).isTrue();
        ToolResult result = tools.getFirst()
                .call(
                        new ToolCall("call_1", "crm-mcp.lookup_account", JSON.readTree("{\"domain\": \"acme.com\"}")),
                        new ToolContext(
                                "run_1", "agent", 1, Instant.now().plusSeconds(30), "default", ToolInvoker.none()));

        assertThat(result).isEqualTo(ToolResult.success(JSON.readTree("{\"id\": \"001A\", \"name\": \"Acme\"}")));
        server.verify(postRequestedFor(urlPathEqualTo("/mcp"))
                .withHeader("Authorization", equalTo("Bearer mcp-token"))
                .withHeader("Mcp-Session-Id", equalTo("session-42"))
                .withRequestBody(matchingJsonPath("$.params.arguments.domain", equalTo("acme.com"))));
    }

    @Test
    void an_endpoint_whose_name_resolves_inside_a_private_network_is_not_connected_until_listed() throws Exception {
        // This machine's own name resolves (through /etc/hosts) to an address on a private network.
        String name = java.net.InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
        java.net.InetAddress address = java.net.InetAddress.getByName(name);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dev.agentry.tool.Egress.internal(address) && !name.equals("localhost"),
                "skipped: this machine's name " + name + " resolves to " + address + ", not a private address");
        String url = "http://" + name + ":" + server.port() + "/mcp";

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> factory.create(new ToolsetDefinition.Mcp(
                        "crm-mcp", "", null, null, url, null, null, Duration.ofSeconds(10), List.of("*"), null)))
                .isInstanceOf(dev.agentry.AgentryException.Unavailable.class)
                .hasMessageStartingWith(
                        "MCP toolset 'crm-mcp' is not connected: " + name + " resolves to " + address.getHostAddress());
        List<Tool> listed = factory.create(new ToolsetDefinition.Mcp(
                "crm-mcp",
                "",
                null,
                null,
                url,
                Map.of("Authorization", new Secret("Bearer mcp-token", null)),
                List.of(name, address.getHostAddress()),
                Duration.ofSeconds(10),
                List.of("lookup-account"),
                null));
        assertThat(listed).hasSize(1);
    }
}
