package dev.agentry.tool.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.InvalidAssetException;
import dev.agentry.asset.Redactor;
import dev.agentry.asset.StrictYaml;
import dev.agentry.asset.Variables;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolInvoker;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolsetDefinition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every HTTP toolset shares: auth kinds, token caching, allowed hosts, response caps, retries. */
class HttpTransportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server = new WireMockServer(
            WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    private Instant now = Instant.parse("2026-11-23T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @BeforeEach
    void start() {
        server.start();
        server.stubFor(get(urlPathEqualTo("/api/thing")).willReturn(aResponse().withBody("{\"ok\": true}")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private ToolsetDefinition.Http definition(String header) {
        String yaml = header + """
                tools:
                  - name: thing
                    annotations: {read-only: true}
                    http: {method: GET, path: /thing}
                """;
        return (ToolsetDefinition.Http) AssetBinder.create()
                .bind(
                        "tools/t.yaml",
                        StrictYaml.read("tools/t.yaml", yaml.getBytes(StandardCharsets.UTF_8)),
                        ToolsetDefinition.class,
                        Variables.of(Map.of("BASE", server.baseUrl(), "SECRET", "p@ss:word")))
                .value();
    }

    private ToolResult callThing(String header) {
        List<Tool> tools = new HttpToolsetFactory(clock).create(definition(header));
        return call(tools.getFirst());
    }

    private ToolResult call(Tool tool) {
        return tool.call(
                new ToolCall("call_1", tool.spec().id(), JSON.createObjectNode()),
                new ToolContext(
                        "run_1",
                        "agent",
                        1,
                        Instant.now().plus(Duration.ofSeconds(30)),
                        "default",
                        ToolInvoker.none()));
    }

    @Test
    void a_basic_credential_echoed_back_is_scrubbed_like_the_password_itself() {
        Redactor redactor = new Redactor();
        new HttpToolsetFactory(clock, redactor)
                .create(
                        definition(
                                "name: t\nbase-url: ${BASE}/api\nauth: {type: basic, username: svc, password: \"${SECRET}\"}\n"));
        String basic = Base64.getEncoder().encodeToString("svc:p@ss:word".getBytes(StandardCharsets.UTF_8));

        assertThat(redactor.scrub("{\"echo\": \"Authorization: Basic " + basic + "\"}"))
                .isEqualTo("{\"echo\": \"Authorization: Basic ****\"}");
    }

    @Test
    void a_request_to_a_name_that_resolves_inside_a_private_network_is_not_sent() throws Exception {
        // This machine's own name resolves (through /etc/hosts) to its address on a private network.
        String name = java.net.InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
        java.net.InetAddress address = java.net.InetAddress.getByName(name);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dev.agentry.tool.Egress.internal(address) && !name.equals("localhost"),
                "skipped: this machine's name " + name + " resolves to " + address + ", not a private address");
        ToolResult refused = callThing("name: t\nbase-url: http://" + name + ":" + server.port() + "/api\n");
        ToolResult allowed = callThing("name: t\nbase-url: http://" + name + ":" + server.port()
                + "/api\nallowed-hosts: [" + name + ", " + address.getHostAddress() + "]\n");

        assertThat(refused).isInstanceOf(ToolResult.Refused.class);
        assertThat(refused.modelText()).contains(name + " resolves to " + address.getHostAddress());
        assertThat(allowed).isNotInstanceOf(ToolResult.Refused.class);
    }

    @Test
    void basic_and_header_credentials_are_sent_as_written() {
        callThing("name: t\nbase-url: ${BASE}/api\nauth: {type: basic, username: svc, password: \"${SECRET}\"}\n");
        callThing("name: t\nbase-url: ${BASE}/api\nauth: {type: header, name: X-API-Key, value: \"${SECRET}\"}\n");

        String basic = Base64.getEncoder().encodeToString("svc:p@ss:word".getBytes(StandardCharsets.UTF_8));
        server.verify(
                getRequestedFor(urlPathEqualTo("/api/thing")).withHeader("Authorization", equalTo("Basic " + basic)));
        server.verify(getRequestedFor(urlPathEqualTo("/api/thing"))
                .withHeader("X-API-Key", equalTo("p@ss:word"))
                .withHeader("Authorization", absent()));
    }

    @Test
    void an_oauth2_token_is_reused_until_shortly_before_it_expires_and_client_auth_can_be_basic() {
        server.stubFor(post(urlPathEqualTo("/token"))
                .withHeader(
                        "Authorization",
                        equalTo("Basic "
                                + Base64.getEncoder()
                                        .encodeToString("client-1:p%40ss%3Aword".getBytes(StandardCharsets.UTF_8))))
                .withFormParam("grant_type", equalTo("client_credentials"))
                .withFormParam("scope", equalTo("read write"))
                .withFormParam("audience", equalTo("https://api.example.com"))
                .willReturn(aResponse().withBody("{\"access_token\": \"tok\", \"expires_in\": 600}")));
        Tool thing = new HttpToolsetFactory(clock).create(definition("""
                        name: t
                        base-url: ${BASE}/api
                        auth:
                          type: oauth2
                          token-url: ${BASE}/token
                          client-id: client-1
                          client-secret: ${SECRET}
                          scope: read write
                          audience: https://api.example.com
                          client-auth: basic
                        """)).getFirst();

        call(thing);
        now = now.plus(Duration.ofMinutes(8));
        call(thing);
        server.verify(1, postRequestedFor(urlPathEqualTo("/token")));
        now = now.plus(Duration.ofMinutes(1)).plusSeconds(1);
        call(thing);

        server.verify(2, postRequestedFor(urlPathEqualTo("/token")));
        server.verify(
                3, getRequestedFor(urlPathEqualTo("/api/thing")).withHeader("Authorization", equalTo("Bearer tok")));
    }

    @Test
    void a_token_endpoint_that_answers_without_end_is_not_read_to_the_end() {
        server.stubFor(post(urlPathEqualTo("/token"))
                .willReturn(aResponse().withBody("{\"access_token\": \"" + "t".repeat(200_000) + "\"}")));
        Tool thing = new HttpToolsetFactory(clock).create(definition("""
                        name: t
                        base-url: ${BASE}/api
                        auth: {type: oauth2, token-url: "${BASE}/token", client-id: client-1, client-secret: "${SECRET}"}
                        """)).getFirst();

        ToolResult result = call(thing);

        assertThat(result.modelText())
                .contains("the OAuth2 token endpoint " + server.baseUrl() + "/token answered more than 64 KiB");
        server.verify(0, getRequestedFor(urlPathEqualTo("/api/thing")));
    }

    @Test
    void a_base_url_outside_the_allowed_hosts_is_refused_when_the_file_is_read() {
        assertThatThrownBy(() -> definition(
                        "name: t\nbase-url: https://evil.example.net/api\nallowed-hosts: [\"*.salesforce.com\"]\n"))
                .isInstanceOf(InvalidAssetException.class)
                .hasMessageContaining("base-url")
                .hasMessageContaining(
                        "goes to evil.example.net, which allowed-hosts [*.salesforce.com] does not include");
        assertThat(definition(
                                "name: t\nbase-url: https://acme.my.salesforce.com/x\nallowed-hosts: [\"*.salesforce.com\"]\n")
                        .allowedHosts())
                .containsExactly("*.salesforce.com");
    }

    @Test
    void an_answer_over_max_response_fails_the_call() {
        server.stubFor(get(urlPathEqualTo("/api/thing"))
                .willReturn(aResponse().withBody("{\"data\": \"" + "x".repeat(5000) + "\"}")));

        ToolResult result = callThing("name: t\nbase-url: ${BASE}/api\nmax-response: 4KB\n");

        assertThat(result.modelText())
                .isEqualTo("error: the answer to GET " + server.baseUrl()
                        + "/api/thing is larger than 4096 bytes; ask for less (filters, fewer fields, a smaller page)");
    }

    @Test
    void retries_stop_at_the_configured_count() {
        server.stubFor(get(urlPathEqualTo("/api/thing"))
                .willReturn(aResponse().withStatus(503).withBody("busy")));

        ToolResult none = callThing("name: t\nbase-url: ${BASE}/api\nretries: {max: 0}\n");
        server.resetRequests();
        ToolResult two = callThing("name: t\nbase-url: ${BASE}/api\nretries: {max: 2, backoff: 10ms}\n");

        assertThat(none.modelText()).isEqualTo("error: HTTP 503 from GET " + server.baseUrl() + "/api/thing: busy");
        assertThat(two.modelText()).endsWith("busy (after 3 attempts)");
        server.verify(3, getRequestedFor(urlPathEqualTo("/api/thing")));
    }
}
