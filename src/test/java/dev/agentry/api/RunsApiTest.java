package dev.agentry.api;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.agentry.fixtures.ScriptedChatServer;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs over REST, end to end: the real OpenAI client, real HTTP tools, the real H2 store. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class RunsApiTest {

    ScriptedChatServer chat;

    static String body(String input, boolean wait) {
        return "{\"input\": " + quote(input) + ", \"wait\": " + wait + "}";
    }

    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Starts a run of echo-agent whose model answers {@code answer} after {@code delayMs}; returns its id. */
    static String startSlow(io.restassured.specification.RequestSpecification as, String answer, int delayMs) {
        return as.contentType(ContentType.JSON)
                .body(body(script("{\"answer\": \"" + answer + "\", \"delayMs\": " + delayMs + "}"), false))
                .post("/v1/agents/echo-agent/runs")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getString("id");
    }

    static JsonPath runToEnd(String agent, String input) {
        return given().contentType(ContentType.JSON)
                .body(body(input, true))
                .post("/v1/agents/" + agent + "/runs")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void a_run_starts_with_202_and_its_location_and_finishes_in_the_background() throws Exception {
        var response = given().contentType(ContentType.JSON)
                .body(body(script("{\"answer\": \"hello\"}"), false))
                .post("/v1/agents/echo-agent/runs")
                .then()
                .statusCode(202)
                .header("Location", notNullValue())
                .body("agent", equalTo("echo-agent"))
                .body("trigger.type", equalTo("api"))
                .extract();
        String id = response.jsonPath().getString("id");
        assertThat(response.header("Location")).endsWith("/v1/runs/" + id);

        JsonPath run = awaitEnd(id);

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("output")).isEqualTo("hello");
        assertThat(run.getString("createdAt")).isNotNull();
        assertThat(run.getString("endedAt")).isNotNull();
    }

    @Test
    void wait_true_answers_200_with_the_finished_run_and_every_step() {
        JsonPath run = runToEnd(
                "echo-agent",
                script(
                        "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"hi\"}}]}",
                        "{\"answer\": \"done\"}"));

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("output")).isEqualTo("done");
        assertThat(run.getMap("usage"))
                .containsAllEntriesOf(Map.of("modelCalls", 2, "toolCalls", 1, "inputTokens", 200, "outputTokens", 20))
                .as("test-model's test price: 1,000 and 2,000 USD per million tokens")
                .containsEntry("costUsd", 0.24f);
        assertThat(run.getList("steps.type")).containsExactly("model", "tool", "model");
        assertThat(run.getList("steps.index")).containsExactly(1, 2, 3);
        assertThat(run.getString("steps[0].result.toolCalls[0].name")).isEqualTo("echo_say");
        assertThat(run.getString("steps[1].tool")).isEqualTo("echo.say");
        assertThat(run.getMap("steps[1].arguments")).isEqualTo(Map.of("text", "hi"));
        assertThat(run.getString("steps[1].status")).isEqualTo("ok");
        assertThat(run.getMap("steps[1].result.received")).isEqualTo(Map.of("text", "hi"));
        assertThat(run.getInt("steps[1].durationMs")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void the_model_request_that_leaves_is_exactly_the_chat_completions_format() {
        String input = script("{\"answer\": \"ok\"}");

        runToEnd("echo-agent", input);

        chat.wireMock()
                .verify(
                        postRequestedFor(urlEqualTo("/v1/chat/completions"))
                                .withHeader(
                                        "Authorization",
                                        com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                                                "Bearer s3cr3t-test-token-4711"))
                                .withRequestBody(
                                        equalToJson(
                                                "{\"model\": \"test-model\", \"stream\": false, \"messages\": ["
                                                        + "{\"role\": \"system\", \"content\": \"Follow the script.\"},"
                                                        + "{\"role\": \"user\", \"content\": " + quote(input) + "}],"
                                                        + "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"echo_say\","
                                                        + " \"description\": \"Echoes its arguments back.\", \"parameters\": {\"type\": \"object\","
                                                        + " \"properties\": {\"text\": {\"type\": \"string\"}, \"count\": {\"type\": \"integer\","
                                                        + " \"minimum\": 1}}, \"required\": [\"text\"]}}},"
                                                        + "{\"type\": \"function\", \"function\": {\"name\": \"echo_slow\", \"description\":"
                                                        + " \"Answers after two seconds.\", \"parameters\": {\"type\": \"object\", \"properties\": {}, \"required\": []}}},"
                                                        + "{\"type\": \"function\", \"function\": {\"name\": \"echo_broken\", \"description\":"
                                                        + " \"Always answers 503.\", \"parameters\": {\"type\": \"object\", \"properties\": {}, \"required\": []}}}]}")));
    }

    @Test
    void tool_failures_and_unknown_tools_are_results_the_run_carries_on_from() {
        JsonPath run = runToEnd(
                "echo-agent",
                script(
                        "{\"calls\": [{\"name\": \"echo_broken\", \"arguments\": {}},"
                                + " {\"name\": \"echo_shout\", \"arguments\": {}},"
                                + " {\"name\": \"echo_say\", \"arguments\": {\"count\": 0}}]}",
                        "{\"answer\": \"coped\"}"));

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getList("steps.status")).containsExactly("ok", "error", "error", "error", "ok");
        assertThat(run.getString("steps[1].result.error"))
                .startsWith("HTTP 503 from GET " + chat.toolsUrl() + "/status/503");
        assertThat(run.getString("steps[2].tool")).isEqualTo("echo_shout");
        assertThat(run.getString("steps[2].result.error"))
                .isEqualTo(
                        "there is no tool named 'echo_shout'; the tools you can call are echo_say, echo_slow, echo_broken");
        assertThat(run.getString("steps[3].result.error"))
                .startsWith("the arguments do not match the parameters of echo.say: ");
    }

    @Test
    void the_tool_calls_of_one_reply_run_at_the_same_time() {
        JsonPath run = runToEnd(
                "echo-agent",
                script(
                        "{\"calls\": [{\"name\": \"echo_slow\", \"arguments\": {}}, {\"name\": \"echo_slow\", \"arguments\": {}}]}",
                        "{\"answer\": \"both back\"}"));

        Instant firstStart = Instant.parse(run.getString("steps[1].startedAt"));
        Instant secondStart = Instant.parse(run.getString("steps[2].startedAt"));
        Instant firstEnd = firstStart.plusMillis(run.getLong("steps[1].durationMs"));
        Instant secondEnd = secondStart.plusMillis(run.getLong("steps[2].durationMs"));
        assertThat(secondStart).isBefore(firstEnd);
        assertThat(firstStart).isBefore(secondEnd);
    }

    @Test
    void each_limit_fails_the_run_with_a_reason_that_names_it() {
        String threeSteps = script(
                "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"1\"}}]}",
                "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"2\"}}]}",
                "{\"answer\": \"never\"}");
        String fourCalls = script("{\"calls\": ["
                + String.join(
                        ", ",
                        List.of(
                                "{\"name\": \"echo_say\", \"arguments\": {\"text\": \"a\"}}",
                                "{\"name\": \"echo_say\", \"arguments\": {\"text\": \"b\"}}",
                                "{\"name\": \"echo_say\", \"arguments\": {\"text\": \"c\"}}",
                                "{\"name\": \"echo_say\", \"arguments\": {\"text\": \"d\"}}"))
                + "]}");
        String manyTokens =
                script("{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"x\"}}], \"tokens\": 950}");
        String slowModel = script("{\"answer\": \"late\", \"delayMs\": 3000}");

        assertThat(runToEnd("limited", threeSteps).getString("error")).startsWith("limit max-steps reached");
        assertThat(runToEnd("limited", fourCalls).getString("error")).startsWith("limit max-tool-calls reached");
        assertThat(runToEnd("limited", manyTokens).getString("error")).startsWith("limit max-tokens reached");
        JsonPath late = runToEnd("limited", slowModel);
        assertThat(late.getString("status")).isEqualTo("failed");
        assertThat(late.getString("error"))
                .isEqualTo("limit timeout reached: the run took longer than 1s; raise limits.timeout in"
                        + " agents/limited.yaml or narrow the task");
    }

    @Test
    void a_model_that_keeps_failing_fails_the_run_after_the_retries() {
        JsonPath run = runToEnd("echo-agent", script("{\"status\": 500}"));

        assertThat(run.getString("status")).isEqualTo("failed");
        assertThat(run.getString("error"))
                .isEqualTo(
                        "model call failed: model call to openai-compatible model 'test-model' at " + chat.modelUrl()
                                + " failed: HTTP 500: {\"error\": {\"message\": \"scripted failure\", \"type\": \"server_error\"}}");
    }

    @Test
    void a_running_run_can_be_cancelled_and_stays_cancelled() throws Exception {
        String id = startSlow(given(), "slow", 10_000);
        awaitStatus(id, "running");

        given().post("/v1/runs/" + id + "/cancel")
                .then()
                .statusCode(200)
                .body("status", equalTo("cancelled"))
                .body("error", equalTo("cancelled by request"));
        Thread.sleep(300);

        given().get("/v1/runs/" + id)
                .then()
                .body("status", equalTo("cancelled"))
                .body("steps", hasSize(0));
        given().post("/v1/runs/" + id + "/cancel")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("run " + id + " has already ended (cancelled); only queued, running or"
                                + " awaiting_approval runs can be cancelled"));
    }

    @Test
    void runs_are_listed_newest_first_with_filters_and_a_cursor() {
        String agentScript = script("{\"answer\": \"listed\"}");
        List<String> ids = List.of(
                runToEnd("echo-agent", agentScript).getString("id"),
                runToEnd("echo-agent", agentScript).getString("id"),
                runToEnd("echo-agent", agentScript).getString("id"));

        JsonPath page1 = given().get("/v1/runs?agent=echo-agent&status=succeeded&limit=2")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        JsonPath page2 = given().get(
                        "/v1/runs?agent=echo-agent&status=succeeded&limit=2&cursor=" + page1.getString("nextCursor"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(page1.getList("items.id", String.class)).containsExactly(ids.get(2), ids.get(1));
        assertThat(page1.getString("items[0].steps")).isNull();
        assertThat(page2.getList("items.id", String.class)).startsWith(ids.get(0));
    }

    @Test
    void server_sent_events_replay_steps_then_follow_live_until_the_end() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body(body(
                        script(
                                "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"a\"}}], \"delayMs\": 300}",
                                "{\"answer\": \"streamed\", \"delayMs\": 300}"),
                        false))
                .post("/v1/agents/echo-agent/runs")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getString("id");

        List<ServerSentEvents.Event> events = ServerSentEvents.read(
                io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/v1/runs/" + id
                        + "/events",
                Duration.ofSeconds(20));

        assertThat(events).extracting(ServerSentEvents.Event::name).containsSubsequence("step", "step", "step", "end");
        assertThat(events.getFirst().name()).isEqualTo("status");
        assertThat(events.stream().filter(e -> e.name().equals("step")).map(e -> JsonPath.from(e.data())
                        .getInt("index")))
                .containsExactly(1, 2, 3);
        JsonPath end = JsonPath.from(events.getLast().data());
        assertThat(end.getString("status")).isEqualTo("succeeded");
        assertThat(end.getString("output")).isEqualTo("streamed");
    }

    /**
     * The stream of an ended run sends everything at once, from a thread of its own, while RESTEasy is
     * still answering the request: each of many streams must still arrive whole.
     */
    @Test
    void every_event_stream_of_an_ended_run_arrives_whole() throws Exception {
        String id = runToEnd("echo-agent", script("{\"answer\": \"done\"}")).getString("id");
        String url = io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/v1/runs/" + id
                + "/events";

        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<List<ServerSentEvents.Event>>> streams = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                streams.add(readers.submit(() -> ServerSentEvents.read(url, Duration.ofSeconds(20))));
            }
            for (java.util.concurrent.Future<List<ServerSentEvents.Event>> stream : streams) {
                assertThat(stream.get())
                        .extracting(ServerSentEvents.Event::name)
                        .containsExactly("status", "step", "end");
            }
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void secrets_never_reach_the_run_record() {
        JsonPath run = runToEnd(
                "echo-agent",
                script(
                        "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"who am i\"}}]}",
                        "{\"answer\": \"ok\"}"));

        assertThat(run.getString("steps[1].result.auth")).isEqualTo("Bearer ****");
        assertThat(given().get("/v1/runs/" + run.getString("id")).asString()).doesNotContain("s3cr3t-test-token-4711");
    }

    static JsonPath awaitEnd(String id) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            JsonPath run = given().get("/v1/runs/" + id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            if (List.of("succeeded", "failed", "cancelled").contains(run.getString("status"))) {
                return run;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run " + id + " did not end within 10 s");
    }

    static void awaitStatus(String id, String status) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (status.equals(given().get("/v1/runs/" + id).jsonPath().getString("status"))) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("run " + id + " never became " + status);
    }

    @Test
    void an_agent_with_an_output_schema_gets_its_answer_back_once_and_then_answers_in_shape() {
        JsonPath run =
                runToEnd("structured", script("{\"answer\": \"three\"}", "{\"answer\": \"{\\\"total\\\": 3}\"}"));

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("output")).isEqualTo("{\"total\": 3}");
        assertThat(run.getList("steps.type", String.class)).containsExactly("model", "model");

        JsonPath twice = runToEnd("structured", script("{\"answer\": \"three\"}", "{\"answer\": \"still three\"}"));
        assertThat(twice.getString("status")).isEqualTo("failed");
        assertThat(twice.getString("error")).startsWith("the final answer does not match the agent's output-schema");
    }

    @Test
    void a_run_costs_its_tokens_at_the_models_price_and_stops_at_its_cap() {
        JsonPath cheap = runToEnd("budgeted", script("{\"answer\": \"ok\", \"tokens\": 10}"));

        assertThat(cheap.getString("status")).isEqualTo("succeeded");
        double expected = (cheap.getLong("usage.inputTokens") * 1000.0 + cheap.getLong("usage.outputTokens") * 2000.0)
                / 1_000_000;
        assertThat(cheap.getDouble("usage.costUsd")).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));

        JsonPath dear = runToEnd(
                "budgeted",
                script(
                        "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"x\"}}], \"tokens\": 1000}",
                        "{\"answer\": \"too late\"}"));
        assertThat(dear.getString("status")).isEqualTo("failed");
        assertThat(dear.getString("error")).startsWith("limit max-cost reached: the run cost $");
        assertThat(dear.getList("steps")).hasSize(1);

        given().contentType(ContentType.JSON)
                .body(body("hi", true))
                .post("/v1/agents/unpriced/runs")
                .then()
                .statusCode(422)
                .body(
                        "detail",
                        org.hamcrest.Matchers.containsString(
                                "field 'limits.max-cost' needs the price of model 'unpriced-model'"));
    }
}
