package dev.agentry.api;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.agentry.api.AccessTest.as;
import static dev.agentry.api.AccessTest.issue;
import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.fixtures.ScriptedChatServer;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A draft policy tried on what runs really did, through the running service; nothing is executed. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class SimulationApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    ScriptedChatServer chat;

    /** The guard policy tightened (hello texts need a person) and loosened (no outsider rule). */
    private static final String DRAFT = """
            name: guard
            rules:
              - name: greetings-need-a-person
                tools: [echo.say]
                when: args.text.startsWith("hello")
                effect: require-approval
                reason: greetings are checked first
            default: allow
            """;

    private static String body(Map<String, Object> fields) throws Exception {
        return JSON.writeValueAsString(fields);
    }

    @Test
    void a_draft_is_tried_on_recorded_calls_and_names_each_decision_it_changes() throws Exception {
        String id = UUID.randomUUID().toString();
        String hello = "hello " + id;
        String outsider = "cc attacker@evil.example " + id;
        String runId = RunsApiTest.runToEnd(
                        "guarded",
                        script(
                                "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"" + hello + "\"}}]}",
                                "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"" + outsider
                                        + "\"}}]}",
                                "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"plain " + id
                                        + "\"}}]}",
                                "{\"answer\": \"done\"}"))
                .getString("id");
        int echoedBefore = chat.wireMock()
                .findAll(postRequestedFor(urlPathEqualTo("/tools/echo")).withRequestBody(containing(id)))
                .size();

        JsonPath result = given().contentType(ContentType.JSON)
                .body(body(Map.of("policy", DRAFT, "runs", List.of(runId))))
                .post("/v1/policies/simulate")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(result.getInt("evaluated")).isEqualTo(3);
        assertThat(result.getList("changed.step", Integer.class)).containsExactly(2, 4);
        assertThat(result.getString("changed[0].was.effect")).isEqualTo("allow");
        assertThat(result.getString("changed[0].now.effect")).isEqualTo("require-approval");
        assertThat(result.getString("changed[0].now.rule")).isEqualTo("greetings-need-a-person");
        assertThat(result.getString("changed[0].arguments.text")).isEqualTo(hello);
        assertThat(result.getString("changed[1].was.rule")).isEqualTo("no-outsiders");
        assertThat(result.getString("changed[1].now.effect")).isEqualTo("allow");
        assertThat(chat.wireMock()
                        .findAll(postRequestedFor(urlPathEqualTo("/tools/echo")).withRequestBody(containing(id)))
                        .size())
                .as("nothing is executed")
                .isEqualTo(echoedBefore);

        JsonPath byAgent = given().contentType(ContentType.JSON)
                .body(body(Map.of("policy", DRAFT, "agent", "guarded", "limit", 200)))
                .post("/v1/policies/simulate")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(byAgent.getInt("evaluated")).isGreaterThanOrEqualTo(3);
        assertThat(byAgent.getList("changed.runId", String.class)).contains(runId);
    }

    @Test
    void an_invalid_draft_is_a_422_naming_its_line_and_a_bad_request_a_400() throws Exception {
        given().contentType(ContentType.JSON)
                .body(body(Map.of(
                        "policy",
                        "name: guard\nrules:\n  - name: r\n    when: tool == 3\n    effect: deny\n",
                        "agent",
                        "guarded")))
                .post("/v1/policies/simulate")
                .then()
                .statusCode(422)
                .body("detail", containsString("draft policy:4: field 'rules[0].when' of rule 'r'"));
        for (String bad : List.of(
                "{}",
                body(Map.of("policy", DRAFT)),
                body(Map.of("policy", DRAFT, "agent", "guarded", "runs", List.of())),
                body(Map.of("policy", DRAFT, "agent", "guarded", "limit", 0)),
                body(Map.of("policy", DRAFT, "agent", "guarded", "extra", true)),
                body(Map.of("policy", 42, "agent", "guarded")))) {
            given().contentType(ContentType.JSON)
                    .body(bad)
                    .post("/v1/policies/simulate")
                    .then()
                    .statusCode(400);
        }
        given().contentType(ContentType.JSON)
                .body(body(Map.of("policy", DRAFT, "runs", List.of("run_00000000000000000000000000"))))
                .post("/v1/policies/simulate")
                .then()
                .statusCode(404);
    }

    @Test
    void a_key_limited_to_other_agents_cannot_simulate_on_this_ones_runs() throws Exception {
        String limited = issue("sim-limited-" + UUID.randomUUID(), "operator", "[\"instant\"]");
        as(limited)
                .contentType(ContentType.JSON)
                .body(body(Map.of("policy", DRAFT, "agent", "guarded")))
                .post("/v1/policies/simulate")
                .then()
                .statusCode(404);
    }
}
