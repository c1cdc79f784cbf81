package dev.agentry.api;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.agentry.fixtures.ScriptedChatServer;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Policies at the tool gate of the running service: the guarded agent's policy file, the global
 * policy of the test profile, and a policy that does not compile.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class PoliciesApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    ScriptedChatServer chat;

    private static String say(String text) {
        return "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": " + RunsApiTest.quote(text) + "}}]}";
    }

    private static JsonPath guarded(String... turns) {
        return RunsApiTest.runToEnd("guarded", script(turns));
    }

    private int echoesContaining(String text) {
        return chat.wireMock()
                .findAll(postRequestedFor(urlPathEqualTo("/tools/echo")).withRequestBody(containing(text)))
                .size();
    }

    @Test
    void a_denied_call_is_refused_with_its_rule_recorded_and_never_sent() {
        String text = "forward the pipeline to attacker@evil.example " + UUID.randomUUID();

        JsonPath run = guarded(say(text), "{\"answer\": \"done\"}");

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("steps[1].status")).isEqualTo("refused");
        assertThat(run.getString("steps[1].result.refused")).isEqualTo("messages never mention attacker@evil.example");
        assertThat(run.getMap("steps[1].decision"))
                .isEqualTo(Map.of(
                        "effect", "deny",
                        "policy", "guard",
                        "rule", "no-outsiders",
                        "reason", "messages never mention attacker@evil.example"));
        assertThat(echoesContaining(text)).isZero();
        JsonPath audit = given().get("/v1/runs/" + run.getString("id") + "/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(audit.getList("items.type", String.class))
                .contains("policy.decision")
                .doesNotContain("tool.intent", "tool.result");
        assertThat(audit.getString("items.find { it.type == 'policy.decision' }.data.rule"))
                .isEqualTo("no-outsiders");
        assertThat(audit.getString("items.find { it.type == 'policy.decision' }.data.effect"))
                .isEqualTo("deny");
    }

    @Test
    void the_event_stream_shows_each_tool_steps_decision() throws Exception {
        String text = "cc attacker@evil.example " + UUID.randomUUID();
        String id = given().contentType(ContentType.JSON)
                .body(RunsApiTest.body(
                        script(
                                "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": "
                                        + RunsApiTest.quote(text) + "}}], \"delayMs\": 300}",
                                "{\"answer\": \"done\", \"delayMs\": 300}"),
                        false))
                .post("/v1/agents/guarded/runs")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getString("id");

        List<ServerSentEvents.Event> events = ServerSentEvents.read(
                io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/v1/runs/" + id
                        + "/events",
                java.time.Duration.ofSeconds(20));

        JsonPath toolStep = events.stream()
                .filter(event -> event.name().equals("step"))
                .map(event -> JsonPath.from(event.data()))
                .filter(step -> "tool".equals(step.getString("type")))
                .findFirst()
                .orElseThrow();
        assertThat(toolStep.getString("decision.effect")).isEqualTo("deny");
        assertThat(toolStep.getString("decision.rule")).isEqualTo("no-outsiders");
    }

    @Test
    void an_allowed_call_records_the_decision_that_let_it_through() {
        String text = "hello " + UUID.randomUUID();

        JsonPath run = guarded(say(text), "{\"answer\": \"done\"}");

        assertThat(run.getString("steps[1].status")).isEqualTo("ok");
        assertThat(run.getString("steps[1].decision.effect")).isEqualTo("allow");
        assertThat(run.getString("steps[1].decision.policy")).isEqualTo("guard");
        assertThat(run.getString("steps[1].decision.rule")).isEqualTo("default");
        assertThat(echoesContaining(text)).isEqualTo(1);
        assertThat(given().get("/v1/runs/" + run.getString("id"))
                        .then()
                        .extract()
                        .jsonPath()
                        .getString("steps[1].decision.rule"))
                .as("the decision is stored with the step")
                .isEqualTo("default");
    }

    @Test
    void a_tool_denied_outright_is_not_offered_and_refused_when_called_anyway() throws Exception {
        String marker = "offered-" + UUID.randomUUID();

        JsonPath run = guarded(
                "{\"calls\": [{\"name\": \"echo_broken\", \"arguments\": {}}], \"note\": \"" + marker + "\"}",
                "{\"answer\": \"done\"}");

        List<String> offered = new ArrayList<>();
        for (ServeEvent event : chat.wireMock().getAllServeEvents()) {
            String body = event.getRequest().getBodyAsString();
            if (event.getRequest().getUrl().endsWith("/chat/completions") && body.contains(marker)) {
                JSON.readTree(body)
                        .path("tools")
                        .forEach(tool -> offered.add(tool.at("/function/name").asText()));
            }
        }
        assertThat(offered).contains("echo_say", "echo_slow").doesNotContain("echo_broken");
        assertThat(run.getString("steps[1].tool")).isEqualTo("echo.broken");
        assertThat(run.getString("steps[1].status")).isEqualTo("refused");
        assertThat(run.getString("steps[1].decision.rule")).isEqualTo("never-broken");
    }

    @Test
    void a_call_that_needs_approval_is_not_made_without_one() {
        String text = "approve: send the contract " + UUID.randomUUID();

        JsonPath run = ApprovalsApiTest.parked(say(text), "{\"answer\": \"done\"}");

        assertThat(run.getList("steps"))
                .as("the call has no step until a person decides")
                .hasSize(1);
        assertThat(echoesContaining(text)).isZero();
        given().post("/v1/runs/" + run.getString("id") + "/cancel").then().statusCode(200);
    }

    @Test
    void a_rule_can_cap_the_calls_of_one_tool_per_run() {
        String id = UUID.randomUUID().toString();

        JsonPath run = guarded(say("note 1 " + id), say("note 2 " + id), say("note 3 " + id), "{\"answer\": \"done\"}");

        assertThat(run.getList("steps.status", String.class))
                .containsExactly("ok", "ok", "ok", "ok", "ok", "refused", "ok");
        assertThat(run.getString("steps[5].decision.rule")).isEqualTo("two-notes-per-run");
        assertThat(echoesContaining("note 3 " + id)).isZero();
    }

    @Test
    void identical_calls_beyond_the_agents_limit_are_refused_with_a_reason_the_model_can_act_on() {
        String text = "same " + UUID.randomUUID();

        JsonPath run = guarded(say(text), say(text), say(text), "{\"answer\": \"done\"}");

        assertThat(run.getString("steps[5].status")).isEqualTo("refused");
        assertThat(run.getString("steps[5].decision.rule")).isEqualTo("limits.max-identical-calls");
        assertThat(run.getString("steps[5].result.refused"))
                .contains("already called 2 times with these exact arguments")
                .contains("limit 2");
        assertThat(echoesContaining(text)).isEqualTo(2);
    }

    @Test
    void the_global_policy_binds_direct_tool_tests() {
        JsonPath run = given().contentType(ContentType.JSON)
                .body("{\"text\": \"global-deny-marker\"}")
                .post("/v1/tools/echo/say/test")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(run.getString("status")).isEqualTo("failed");
        assertThat(run.getString("error")).contains("the global policy stops this marker everywhere");
        assertThat(run.getString("steps[0].decision.policy")).isEqualTo("everywhere");
        assertThat(run.getString("steps[0].decision.effect")).isEqualTo("deny");
    }

    @Test
    void the_global_policy_binds_calls_from_code() {
        String source =
                "let out; try { tools.echo.say({text: 'global-deny-marker'}) } catch (e) { out = e.message }" + " out";
        JsonPath run = RunsApiTest.runToEnd(
                "coder",
                script(
                        "{\"calls\": [{\"name\": \"code_run\", \"arguments\": {\"source\": " + RunsApiTest.quote(source)
                                + "}}]}",
                        "{\"answer\": \"done\"}"));

        assertThat(run.getString("steps[1].result.result")).contains("the global policy stops this marker everywhere");
        assertThat(run.getString("steps[1].result.toolCalls[0].status")).isEqualTo("refused");
        JsonPath audit = given().get("/v1/runs/" + run.getString("id") + "/audit")
                .then()
                .extract()
                .jsonPath();
        assertThat(audit.getString(
                        "items.find { it.type == 'policy.decision' && it.data.origin == 'code' }.data.policy"))
                .isEqualTo("everywhere");
    }

    @Test
    void a_condition_that_does_not_type_check_makes_the_policy_and_its_agents_invalid() {
        JsonPath agents =
                given().get("/v1/agents").then().statusCode(200).extract().jsonPath();
        String expected = "field 'policies' names 'broken-cel', which is invalid:"
                + " src/test/resources/assets/policies/broken-cel.yaml:8: field 'rules[1].when' of rule"
                + " 'compares-text-with-a-number' is not a valid condition: ERROR: <input>:1:";

        assertThat(agents.getBoolean("find { it.name == 'bound-to-broken' }.valid"))
                .isFalse();
        assertThat(agents.getString("find { it.name == 'bound-to-broken' }.error"))
                .contains(expected);
        String problem = given().contentType(ContentType.JSON)
                .body("{\"input\": \"hi\"}")
                .post("/v1/agents/bound-to-broken/runs")
                .then()
                .statusCode(422)
                .extract()
                .jsonPath()
                .getString("detail");
        assertThat(problem).contains(expected).contains("no matching overload");
    }
}
