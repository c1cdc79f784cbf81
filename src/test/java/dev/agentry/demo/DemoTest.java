package dev.agentry.demo;

import static dev.agentry.fixtures.Api.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.run.RunService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bundled agents, run offline: the scripted model and the Google Calendar and Salesforce
 * simulators, reached through the production OpenAI client and HTTP tools.
 */
@QuarkusTest
@TestProfile(DemoProfile.class)
class DemoTest {

    @Inject
    RunService runs;

    private static JsonPath run(String agent) {
        String input = DemoScript.load(agent).orElseThrow().input();
        return given().contentType("application/json")
                .body("{\"input\": \"" + input.replace("\"", "\\\"") + "\", \"wait\": true}")
                .post("/v1/agents/" + agent + "/runs")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void every_bundled_agent_is_valid() {
        JsonPath agents =
                given().get("/v1/agents").then().statusCode(200).extract().jsonPath();

        assertThat(agents.getList("name", String.class))
                .contains("meeting-scheduler", "crm-follow-up", "pipeline-digest");
        assertThat(agents.getList("valid", Boolean.class)).containsOnly(true);
    }

    @Test
    void the_meeting_scheduler_books_the_meeting_and_logs_the_task() {
        JsonPath run = run("meeting-scheduler");

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getList("steps.tool"))
                .containsExactly(
                        null,
                        "salesforce.query",
                        null,
                        "google-calendar.freebusy",
                        null,
                        "google-calendar.create_event",
                        "salesforce.create_task",
                        null);
        assertThat(run.getList("steps.status", String.class)).containsOnly("ok");
        assertThat(run.getString("steps[1].result.records[0].Email")).isEqualTo("dana.whitfield@acme.example");
        assertThat(run.getString("steps[5].result.status")).isEqualTo("confirmed");
        assertThat(run.getString("steps[5].result.attendees[0].responseStatus")).isEqualTo("needsAction");
        assertThat(run.getBoolean("steps[6].result.success")).isTrue();
        assertThat(run.getString("output")).startsWith("Booked \"Acme renewal review\" with Dana Whitfield");
    }

    @Test
    void the_follow_up_writer_and_the_digest_finish_with_their_answers() {
        JsonPath followUp = run("crm-follow-up");
        JsonPath digest = run("pipeline-digest");

        assertThat(followUp.getString("status")).isEqualTo("succeeded");
        assertThat(followUp.getList("steps.tool"))
                .containsExactly(
                        null, "salesforce.query", null, "salesforce.create_task", "salesforce.create_task", null);
        assertThat(digest.getString("status")).isEqualTo("succeeded");
        assertThat(digest.getString("output")).contains("11 open deals, $697,000");
    }

    @Test
    void the_data_analyst_computes_its_answer_in_code_that_queries_the_crm() throws Exception {
        JsonPath run = run("data-analyst");
        ObjectMapper json = new ObjectMapper();

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getList("steps.tool")).containsExactly(null, "code.run", null);
        assertThat(json.<JsonNode>valueToTree(run.getMap("steps[1].result.result")))
                .isEqualTo(json.readTree("{\"deals\": 11, \"total\": 697000, \"average\": 63364,"
                        + " \"byStage\": {\"Prospecting\": 180000, \"Proposal/Price Quote\": 212000,"
                        + " \"Negotiation/Review\": 185000, \"Closed soon (Verbal)\": 120000},"
                        + " \"largest\": {\"name\": \"Acme renewal 2027\", \"amount\": 120000}}"));
        assertThat(run.getString("steps[1].result.stdout")).isEqualTo("read 11 open opportunities\n");
        assertThat(run.getString("steps[1].result.toolCalls[0].tool")).isEqualTo("salesforce.query");
        assertThat(run.getString("steps[1].result.toolCalls[0].status")).isEqualTo("ok");
        assertThat(run.getString("output")).contains("11 deals worth $697,000");
    }

    @Test
    void the_transcript_shows_each_step_its_arguments_results_and_the_answer() {
        String id = run("meeting-scheduler").getString("id");

        String transcript = Transcript.render(runs.find(id).orElseThrow(), runs.steps(id));

        assertThat(transcript.lines().toList())
                .contains(
                        "=== DEMO run " + id + " of agent 'meeting-scheduler' ===",
                        "          calls salesforce_query {\"soql\":\"SELECT Id, Name, Email, Title, Account.Name FROM"
                                + " Contact WHERE Name = 'Dana Whitfield' LIMIT 5\"}",
                        "          result {\"id\":\"00THs00000" + transcript.split("00THs00000")[1].substring(0, 8)
                                + "\",\"success\":true,\"errors\":[]}");
        assertThat(transcript).containsPattern("\\[6] tool    google-calendar.create_event  ok, \\d+ ms");
        assertThat(transcript).contains("output: Booked \"Acme renewal review\" with Dana Whitfield");
        assertThat(transcript)
                .containsPattern("status: succeeded \\| 4 model calls \\| 4 tool calls \\| \\d+ tokens \\| \\d+ ms");
    }

    @Test
    void the_simulators_answer_a_wrong_token_with_each_apis_own_401() {
        List<String> unauthorized = List.of(
                given().header("Authorization", "Bearer wrong")
                        .get(simulator() + "/calendar/v3/calendars/primary/events")
                        .then()
                        .statusCode(401)
                        .extract()
                        .jsonPath()
                        .getString("error.status"),
                given().header("Authorization", "Bearer wrong")
                        .get(simulator() + "/services/data/v60.0/query?q=x")
                        .then()
                        .statusCode(401)
                        .extract()
                        .jsonPath()
                        .getString("[0].errorCode"));

        assertThat(unauthorized).containsExactly("UNAUTHENTICATED", "INVALID_SESSION_ID");
    }

    @Inject
    Simulators simulators;

    private String simulator() {
        return simulators.baseUrl().orElseThrow();
    }
}
