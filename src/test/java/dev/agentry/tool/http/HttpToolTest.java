package dev.agentry.tool.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.StrictYaml;
import dev.agentry.asset.Variables;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolsetDefinition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Declarative HTTP tools against a real server: the exact request that leaves, and every way it can end. */
class HttpToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server = new WireMockServer(
            WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());

    @BeforeEach
    void start() {
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private List<Tool> toolset(String yaml) {
        ToolsetDefinition definition = AssetBinder.create()
                .bind(
                        "tools/t.yaml",
                        StrictYaml.read("tools/t.yaml", yaml.getBytes(StandardCharsets.UTF_8)),
                        ToolsetDefinition.class,
                        Variables.of(Map.of("BASE", server.baseUrl(), "TOKEN", "tok-123-abc")))
                .value();
        return new HttpToolsetFactory().create((ToolsetDefinition.Http) definition);
    }

    private static ToolResult call(Tool tool, String arguments) throws Exception {
        return tool.call(
                new ToolCall("call_1", tool.spec().id(), JSON.readTree(arguments)),
                new ToolContext(
                        "run_1",
                        "agent",
                        1,
                        Instant.now().plus(Duration.ofMinutes(1)),
                        "default",
                        dev.agentry.tool.ToolInvoker.none()));
    }

    private static final String CALENDAR = """
            name: cal
            base-url: ${BASE}/calendar/v3/
            auth: {type: bearer, token: "${TOKEN}"}
            headers: {X-Client: agentry-test}
            tools:
              - name: list_events
                parameters:
                  type: object
                  properties:
                    calendarId: {type: string}
                    timeMin: {type: string}
                    q: {type: string}
                    ids: {type: array, items: {type: string}}
                  required: [calendarId]
                http:
                  method: GET
                  path: /calendars/{calendarId}/events
                  query: {timeMin: "{timeMin}", q: "{q}", id: "{ids}", singleEvents: "true", maxResults: 50}
                  result: /items
              - name: create
                parameters:
                  type: object
                  properties:
                    calendarId: {type: string}
                    summary: {type: string}
                    attendees: {type: array}
                    optional: {type: boolean}
                http:
                  method: POST
                  path: /calendars/{calendarId}/events
                  body:
                    summary: "Meeting: {summary}"
                    attendees: "{attendees}"
                    guestsCanModify: "{optional}"
                    source: {title: agentry}
            """;

    @Test
    void sends_the_exact_get_request_with_encoded_path_and_only_the_query_it_has() throws Exception {
        server.stubFor(get(urlPathEqualTo("/calendar/v3/calendars/team%40example.com/events"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"kind\":\"calendar#events\",\"items\":[{\"id\":\"e1\"}]}")));

        ToolResult result = call(
                toolset(CALENDAR).getFirst(),
                "{\"calendarId\":\"team@example.com\",\"q\":\"renewal review\",\"ids\":[\"a\",\"b\"]}");

        assertThat(result).isEqualTo(ToolResult.success(JSON.readTree("[{\"id\":\"e1\"}]")));
        server.verify(getRequestedFor(
                        urlEqualTo("/calendar/v3/calendars/team%40example.com/events?q=renewal%20review&id=a&id=b"
                                + "&singleEvents=true&maxResults=50"))
                .withHeader("Authorization", equalTo("Bearer tok-123-abc"))
                .withHeader("X-Client", equalTo("agentry-test"))
                .withHeader("Accept", equalTo("application/json")));
    }

    @Test
    void a_path_argument_that_is_a_dot_segment_is_refused_and_nothing_is_sent() throws Exception {
        for (String dots : new String[] {"..", "."}) {
            ToolResult result = call(toolset(CALENDAR).getFirst(), "{\"calendarId\":\"" + dots + "\"}");

            assertThat(result)
                    .isEqualTo(ToolResult.failed("cal.list_events cannot be called: argument 'calendarId'"
                            + " is '" + dots + "', which would address another resource on the server; pass the"
                            + " identifier itself"));
        }
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void fills_the_body_template_with_typed_arguments_and_leaves_out_absent_ones() throws Exception {
        server.stubFor(post(urlPathEqualTo("/calendar/v3/calendars/primary/events"))
                .willReturn(aResponse().withStatus(200).withBody("{\"id\":\"new\"}")));

        call(
                toolset(CALENDAR).get(1),
                "{\"calendarId\":\"primary\",\"summary\":\"Renewal\",\"attendees\":[{\"email\":\"d@acme.example\"}]}");

        server.verify(postRequestedFor(urlEqualTo("/calendar/v3/calendars/primary/events"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(
                        equalToJson("{\"summary\":\"Meeting: Renewal\",\"attendees\":[{\"email\":\"d@acme.example\"}],"
                                + "\"source\":{\"title\":\"agentry\"}}")));
    }

    @Test
    void an_error_status_is_a_failed_result_with_the_body_excerpt() throws Exception {
        server.stubFor(get(urlPathEqualTo("/calendar/v3/calendars/nope/events"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withBody("{\"error\": {\"code\": 404, \"message\": \"Not Found\"}}")));

        ToolResult result = call(toolset(CALENDAR).getFirst(), "{\"calendarId\":\"nope\"}");

        assertThat(result)
                .isEqualTo(ToolResult.failed("HTTP 404 from GET " + server.baseUrl()
                        + "/calendar/v3/calendars/nope/events?singleEvents=true&maxResults=50:"
                        + " {\"error\": {\"code\": 404, \"message\": \"Not Found\"}}"));
    }

    @Test
    void a_slow_server_is_a_timeout_result() throws Exception {
        server.stubFor(get(urlPathEqualTo("/slow"))
                .willReturn(aResponse().withFixedDelay(3_000).withBody("{}")));
        Tool tool = toolset("""
                name: slow
                base-url: ${BASE}
                timeout: 300ms
                tools:
                  - name: wait
                    http: {path: /slow}
                """).getFirst();

        ToolResult result = call(tool, "{}");

        assertThat(result).isInstanceOf(ToolResult.Failure.class);
        assertThat(((ToolResult.Failure) result).message())
                .isEqualTo("slow.wait timed out after 300 ms (GET " + server.baseUrl() + "/slow)");
    }

    @Test
    void a_response_over_one_mebibyte_is_refused() throws Exception {
        server.stubFor(get(urlPathEqualTo("/big")).willReturn(aResponse().withBody(new byte[1_100_000])));
        Tool tool = toolset("name: big\nbase-url: ${BASE}\ntools:\n  - name: fetch\n    http: {path: /big}\n")
                .getFirst();

        assertThat(call(tool, "{}"))
                .isEqualTo(ToolResult.failed("the answer to GET " + server.baseUrl() + "/big is larger than 1048576"
                        + " bytes; ask for less (filters, fewer fields, a smaller page)"));
    }

    @Test
    void an_empty_answer_reports_its_status_and_text_stays_text() throws Exception {
        server.stubFor(get(urlPathEqualTo("/empty")).willReturn(aResponse().withStatus(204)));
        server.stubFor(get(urlPathEqualTo("/text")).willReturn(aResponse().withBody("plain words")));
        List<Tool> tools = toolset("name: misc\nbase-url: ${BASE}\ntools:\n  - name: empty\n    http: {path: /empty}\n"
                + "  - name: text\n    http: {path: /text}\n");

        assertThat(call(tools.get(0), "{}")).isEqualTo(ToolResult.success(JSON.readTree("{\"status\":204}")));
        assertThat(call(tools.get(1), "{}").modelText()).isEqualTo("plain words");
    }

    @Test
    void an_unreachable_host_is_a_failed_result() throws Exception {
        Tool tool = toolset("name: gone\nbase-url: http://127.0.0.1:1\ntools:\n  - name: ping\n    http: {path: /}\n")
                .getFirst();

        ToolResult result = call(tool, "{}");

        assertThat(((ToolResult.Failure) result).message()).startsWith("gone.ping could not reach 127.0.0.1: ");
    }

    @Test
    void a_missing_path_argument_fails_before_any_request() throws Exception {
        ToolResult result = call(toolset(CALENDAR).getFirst(), "{}");

        assertThat(result)
                .isEqualTo(ToolResult.failed(
                        "cal.list_events cannot be called: argument 'calendarId' is required to build the request"));
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void header_auth_sends_the_named_header() throws Exception {
        server.stubFor(get(urlPathEqualTo("/me")).willReturn(aResponse().withBody("{}")));
        Tool tool = toolset("""
                name: keyed
                base-url: ${BASE}
                auth: {type: header, name: X-API-Key, value: "${TOKEN}"}
                tools:
                  - name: me
                    http: {path: /me}
                """).getFirst();

        call(tool, "{}");

        server.verify(getRequestedFor(urlEqualTo("/me")).withHeader("X-API-Key", equalTo("tok-123-abc")));
    }

    @Test
    void exposes_the_schema_it_was_given() throws Exception {
        JsonNode schema = toolset(CALENDAR).getFirst().spec().parameters().json();

        assertThat(schema.path("required")).containsExactly(JSON.readTree("\"calendarId\""));
        assertThat(toolset(CALENDAR).getFirst().spec().functionName()).isEqualTo("cal_list_events");
    }
}
