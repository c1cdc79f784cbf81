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
    void the_meeting_scheduler_books_the_meeting_without_the_invitation_planted_in_the_crm() {
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
                        null,
                        "google-calendar.create_event",
                        null);
        assertThat(run.getString("steps[1].result.records[0].Description")).contains("eve@evil.example");
        assertThat(run.getString("steps[5].status")).isEqualTo("refused");
        assertThat(run.getString("steps[5].decision.policy")).isEqualTo("trusted-domains");
        assertThat(run.getString("steps[5].decision.rule")).isEqualTo("google-attendees");
        assertThat(run.getBoolean("steps[6].result.success")).isTrue();
        assertThat(run.getString("steps[8].status")).isEqualTo("ok");
        assertThat(run.getString("steps[8].result.status")).isEqualTo("confirmed");
        assertThat(run.getList("steps[8].result.attendees.email", String.class))
                .containsExactly("dana.whitfield@acme.example");
        assertThat(run.getString("output")).startsWith("Booked \"Acme renewal review\" with Dana Whitfield");
    }

    @Test
    void the_follow_up_writer_waits_for_approval_of_its_crm_update_and_the_digest_finishes() throws Exception {
        String input = DemoScript.load("crm-follow-up").orElseThrow().input();
        String id = given().contentType("application/json")
                .body("{\"input\": \"" + input + "\", \"wait\": true}")
                .post("/v1/agents/crm-follow-up/runs")
                .then()
                .statusCode(202)
                .body("status", org.hamcrest.Matchers.equalTo("awaiting_approval"))
                .extract()
                .jsonPath()
                .getString("id");
        String approval = given().get("/v1/approvals?status=pending&agent=crm-follow-up")
                .jsonPath()
                .getString("items.find { it.runId == '" + id + "' }.id");
        given().contentType("application/json")
                .body("{\"decision\": \"approve\", \"comment\": \"fine\"}")
                .post("/v1/approvals/" + approval)
                .then()
                .statusCode(200);
        JsonPath followUp = given().get("/v1/runs/" + id).jsonPath();
        for (int i = 0; i < 100 && !"succeeded".equals(followUp.getString("status")); i++) {
            Thread.sleep(100);
            followUp = given().get("/v1/runs/" + id).jsonPath();
        }
        JsonPath digest = run("pipeline-digest");

        assertThat(followUp.getString("status")).isEqualTo("succeeded");
        assertThat(followUp.getList("steps.tool"))
                .containsExactly(
                        null,
                        "salesforce.query",
                        null,
                        "salesforce.create_task",
                        "salesforce.create_task",
                        "salesforce.update_record",
                        null);
        assertThat(followUp.getString("steps[5].decision.reason")).startsWith("approved by key ");
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
                        "          calls salesforce_query {\"soql\":\"SELECT Id, Name, Email, Title, Description,"
                                + " Account.Name FROM Contact WHERE Name = 'Dana Whitfield' LIMIT 5\"}",
                        "          policy DENY by trusted-domains/google-attendees: invitations go only to addresses at"
                                + " acme.example,example.com; leave the other attendees out",
                        "          result {\"id\":\"00THs00000" + transcript.split("00THs00000")[1].substring(0, 8)
                                + "\",\"success\":true,\"errors\":[]}");
        assertThat(transcript).containsPattern("\\[6] tool    google-calendar.create_event  refused, \\d+ ms");
        assertThat(transcript).containsPattern("\\[9] tool    google-calendar.create_event  ok, \\d+ ms");
        assertThat(transcript).contains("output: Booked \"Acme renewal review\" with Dana Whitfield");
        assertThat(transcript)
                .containsPattern("status: succeeded \\| 5 model calls \\| 5 tool calls \\| \\d+ tokens \\| \\d+ ms");
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
