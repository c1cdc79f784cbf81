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
import static org.hamcrest.Matchers.equalTo;

import dev.agentry.fixtures.ScriptedChatServer;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Human approval through the running service: a call that the guard policy sends to a person parks
 * its run, and the person's decision (made with a key of their own) resumes it.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class ApprovalsApiTest {

    ScriptedChatServer chat;

    private static String say(String... texts) {
        StringBuilder calls = new StringBuilder("{\"calls\": [");
        for (int i = 0; i < texts.length; i++) {
            calls.append(i == 0 ? "" : ", ")
                    .append("{\"name\": \"echo_say\", \"arguments\": {\"text\": ")
                    .append(RunsApiTest.quote(texts[i]))
                    .append("}}");
        }
        return calls.append("]}").toString();
    }

    /** Starts a run of the guarded agent and waits until it parks; returns it. */
    static JsonPath parked(String... turns) {
        JsonPath run = given().contentType(ContentType.JSON)
                .body(RunsApiTest.body(script(turns), true))
                .post("/v1/agents/guarded/runs")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        assertThat(run.getString("status")).isEqualTo("awaiting_approval");
        return run;
    }

    private static List<String> pendingOf(String runId) {
        return given().get("/v1/approvals?status=pending&agent=guarded&limit=100")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.findAll { it.runId == '" + runId + "' }.id", String.class);
    }

    private static JsonPath decide(String id, String decision, String comment) {
        return given().contentType(ContentType.JSON)
                .body("{\"decision\": \"" + decision + "\", \"comment\": " + RunsApiTest.quote(comment) + "}")
                .post("/v1/approvals/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private int echoes(String text) {
        return chat.wireMock()
                .findAll(postRequestedFor(urlPathEqualTo("/tools/echo")).withRequestBody(containing(text)))
                .size();
    }

    @Test
    void an_approved_call_is_made_as_requested_and_the_run_goes_on() throws Exception {
        String text = "approve: send the renewal quote " + UUID.randomUUID();
        String approver = issue("approver-" + UUID.randomUUID(), "operator", "[\"*\"]");

        JsonPath run = parked(say(text), "{\"answer\": \"sent\"}");
        String runId = run.getString("id");
        List<String> pending = pendingOf(runId);
        assertThat(pending).hasSize(1);
        JsonPath approval = given().get("/v1/approvals/" + pending.getFirst())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(approval.getString("status")).isEqualTo("pending");
        assertThat(approval.getString("tool")).isEqualTo("echo.say");
        assertThat(approval.getString("arguments.text")).isEqualTo(text);
        assertThat(approval.getString("policy")).isEqualTo("guard");
        assertThat(approval.getString("rule")).isEqualTo("ask-first");
        assertThat(approval.getString("origin")).isEqualTo("model");
        assertThat(approval.getString("expiresAt")).isNotNull();
        assertThat(echoes(text)).as("nothing is sent before a person decides").isZero();

        JsonPath decided = as(approver)
                .contentType(ContentType.JSON)
                .body("{\"decision\": \"approve\", \"comment\": \"checked with the customer\"}")
                .post("/v1/approvals/" + pending.getFirst())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(decided.getString("status")).isEqualTo("approved");
        assertThat(decided.getString("decidedBy")).startsWith("key approver-");
        assertThat(decided.getString("comment")).isEqualTo("checked with the customer");
        JsonPath ended = RunsApiTest.awaitEnd(runId);
        assertThat(ended.getString("status")).isEqualTo("succeeded");
        assertThat(ended.getString("output")).isEqualTo("sent");
        assertThat(ended.getString("steps[1].status")).isEqualTo("ok");
        assertThat(ended.getString("steps[1].decision.effect")).isEqualTo("allow");
        assertThat(ended.getString("steps[1].decision.rule")).isEqualTo("ask-first");
        assertThat(ended.getString("steps[1].decision.reason"))
                .startsWith("approved by key approver-")
                .endsWith(": checked with the customer");
        assertThat(echoes(text)).isEqualTo(1);

        JsonPath audit = given().get("/v1/runs/" + runId + "/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(audit.getList("items.type", String.class))
                .containsSubsequence(
                        "policy.decision",
                        "approval.requested",
                        "run.parked",
                        "approval.decided",
                        "run.resumed",
                        "policy.decision",
                        "tool.intent",
                        "tool.result",
                        "run.ended");
        assertThat(audit.getString("items.find { it.type == 'approval.decided' }.actor.type"))
                .isEqualTo("key");
        assertThat(decided.getString("decidedBy"))
                .contains(audit.getString("items.find { it.type == 'approval.decided' }.actor.id"));

        given().contentType(ContentType.JSON)
                .body("{\"decision\": \"reject\"}")
                .post("/v1/approvals/" + pending.getFirst())
                .then()
                .statusCode(409)
                .body("detail", containsString("already approved"));
    }

    @Test
    void a_rejected_call_is_not_made_and_the_model_reads_the_comment() throws Exception {
        String text = "approve: delete the pipeline " + UUID.randomUUID();

        String runId = parked(say(text), "{\"answer\": \"understood\"}").getString("id");
        decide(pendingOf(runId).getFirst(), "reject", "not this quarter");

        JsonPath ended = RunsApiTest.awaitEnd(runId);
        assertThat(ended.getString("status")).isEqualTo("succeeded");
        assertThat(ended.getString("steps[1].status")).isEqualTo("refused");
        assertThat(ended.getString("steps[1].decision.effect")).isEqualTo("deny");
        assertThat(ended.getString("steps[1].result.refused"))
                .contains("a person rejected this call")
                .contains("not this quarter");
        assertThat(echoes(text)).isZero();
    }

    @Test
    void several_calls_of_one_reply_wait_together_and_the_run_resumes_after_the_last_decision() throws Exception {
        String id = UUID.randomUUID().toString();
        String first = "approve: first " + id;
        String second = "approve: second " + id;

        String runId =
                parked(say(first, second), "{\"answer\": \"both handled\"}").getString("id");
        List<String> pending = pendingOf(runId);
        assertThat(pending).hasSize(2);

        decide(pending.get(0), "approve", "fine");
        Thread.sleep(300);
        assertThat(given().get("/v1/runs/" + runId).jsonPath().getString("status"))
                .as("one call still waits")
                .isEqualTo("awaiting_approval");
        decide(pending.get(1), "reject", "no");

        JsonPath ended = RunsApiTest.awaitEnd(runId);
        assertThat(ended.getString("status")).isEqualTo("succeeded");
        assertThat(ended.getList("steps.status", String.class)).containsExactlyInAnyOrder("ok", "ok", "refused", "ok");
        assertThat(echoes(first) + echoes(second)).isEqualTo(1);
    }

    @Test
    void cancelling_a_parked_run_cancels_its_approvals() {
        String runId = parked(say("approve: cancel me " + UUID.randomUUID()), "{\"answer\": \"x\"}")
                .getString("id");
        String approval = pendingOf(runId).getFirst();

        given().post("/v1/runs/" + runId + "/cancel").then().statusCode(200).body("status", equalTo("cancelled"));

        given().get("/v1/approvals/" + approval)
                .then()
                .statusCode(200)
                .body("status", equalTo("cancelled"))
                .body("comment", equalTo("the run was cancelled"));
        given().contentType(ContentType.JSON)
                .body("{\"decision\": \"approve\"}")
                .post("/v1/approvals/" + approval)
                .then()
                .statusCode(409);
    }

    @Test
    void a_bad_decision_is_a_400_an_unknown_approval_a_404() {
        String approval = pendingOf(parked(say("approve: bad bodies " + UUID.randomUUID()), "{\"answer\": \"x\"}")
                        .getString("id"))
                .getFirst();

        for (String body : List.of(
                "{\"decision\": \"maybe\"}",
                "{\"decision\": \"approve\", \"arguments\": {\"text\": \"changed\"}}",
                "{\"decision\": \"approve\", \"comment\": 42}",
                "{\"comment\": \"no decision\"}",
                "[\"approve\"]",
                "")) {
            given().contentType(ContentType.JSON)
                    .body(body)
                    .post("/v1/approvals/" + approval)
                    .then()
                    .statusCode(400);
        }
        given().get("/v1/approvals/" + approval).then().statusCode(200).body("status", equalTo("pending"));
        given().get("/v1/approvals/apr_00000000000000000000000000").then().statusCode(404);
        given().get("/v1/approvals/not-an-id").then().statusCode(404);
        given().get("/v1/approvals?status=unsure").then().statusCode(400);
        given().get("/v1/approvals?cursor=run_x").then().statusCode(400);
    }

    @Test
    void a_key_limited_to_other_agents_sees_no_approval_of_this_one() {
        String approval = pendingOf(parked(say("approve: hidden " + UUID.randomUUID()), "{\"answer\": \"x\"}")
                        .getString("id"))
                .getFirst();
        String limited = issue("limited-" + UUID.randomUUID(), "operator", "[\"instant\"]");

        as(limited).get("/v1/approvals/" + approval).then().statusCode(404);
        as(limited)
                .contentType(ContentType.JSON)
                .body("{\"decision\": \"approve\"}")
                .post("/v1/approvals/" + approval)
                .then()
                .statusCode(404);
        assertThat(as(limited).get("/v1/approvals?limit=100").jsonPath().getList("items.agent", String.class))
                .doesNotContain("guarded");
        String viewer = issue("viewer-" + UUID.randomUUID(), "viewer", "[\"*\"]");
        as(viewer)
                .contentType(ContentType.JSON)
                .body("{\"decision\": \"approve\"}")
                .post("/v1/approvals/" + approval)
                .then()
                .statusCode(403);
    }
}
