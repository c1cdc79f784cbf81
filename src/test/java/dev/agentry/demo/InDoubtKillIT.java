package dev.agentry.demo;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.fixtures.PostgresSchemas;
import dev.agentry.fixtures.ScriptedChatServer;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A replica killed (SIGKILL) while a tool call that is neither idempotent nor keyed is in flight: the
 * other replica adopts the run, finds the call's intent in the journal without a result, and asks a
 * person instead of sending it again. Rejected, the run finishes; the API (WireMock) saw one call.
 */
class InDoubtKillIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_call_in_flight_when_its_replica_dies_is_not_sent_again_without_a_person() throws Exception {
        PostgresSchemas.requireServer("a call in doubt after a replica dies");
        PostgresSchemas schemas = new PostgresSchemas();
        try (ScriptedChatServer chat = new ScriptedChatServer()) {
            String store = schemas.create();
            Map<String, String> environment = ServiceProcess.scripted(chat);
            String lease = "-Dagentry.runs.lease=3s";
            try (ServiceProcess one = ServiceProcess.start("in-doubt-one", store, "agents", environment, lease);
                    ServiceProcess two = ServiceProcess.start("in-doubt-two", store, "agents", environment, lease)) {
                String script = ScriptedChatServer.script(
                        "{\"calls\": [{\"name\": \"echo_slow\", \"arguments\": {}}]}",
                        "{\"answer\": \"could not confirm the slow call\"}");
                HttpResponse<String> started =
                        one.post("/v1/agents/echo-agent/runs", JSON.writeValueAsString(Map.of("input", script)));
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                String runId = JSON.readTree(started.body()).path("id").asText();
                awaitSlowCalls(chat, 1);

                one.kill(); // during the two seconds the slow tool takes

                JsonNode parked = two.awaitStatus(
                        runId, run -> run.path("status").asText().equals("awaiting_approval"));
                assertThat(parked.path("status").asText()).as(parked.toString()).isEqualTo("awaiting_approval");
                JsonNode approval = two.get("/v1/approvals?status=pending&agent=echo-agent")
                        .path("items")
                        .path(0);
                assertThat(approval.path("runId").asText()).isEqualTo(runId);
                assertThat(approval.path("rule").asText()).isEqualTo("in-doubt");
                assertThat(approval.path("reason").asText())
                        .startsWith("the previous attempt may or may not have happened");
                assertThat(slowCalls(chat))
                        .as("not sent again while a person decides")
                        .isEqualTo(1);

                HttpResponse<String> rejected = two.post(
                        "/v1/approvals/" + approval.path("id").asText(),
                        "{\"decision\": \"reject\", \"comment\": \"it went through, checked the log\"}");
                assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);

                JsonNode ended =
                        two.awaitStatus(runId, run -> run.path("endedAt").isTextual());
                assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("succeeded");
                assertThat(slowCalls(chat)).as("the API saw the call once").isEqualTo(1);
                assertThat(two.get("/v1/audit/verify").path("ok").asBoolean()).isTrue();
            }
        } finally {
            schemas.drop();
        }
    }

    private static int slowCalls(ScriptedChatServer chat) {
        return chat.wireMock()
                .findAll(postRequestedFor(urlPathEqualTo("/tools/slow")))
                .size();
    }

    private static void awaitSlowCalls(ScriptedChatServer chat, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (slowCalls(chat) < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(slowCalls(chat)).isEqualTo(count);
    }
}
