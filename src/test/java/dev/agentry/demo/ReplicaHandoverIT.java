package dev.agentry.demo;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.fixtures.PostgresSchemas;
import dev.agentry.fixtures.ScriptedChatServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A replica stopped gracefully (SIGTERM) in the middle of a run lets the model call in flight commit,
 * then releases the run; the other replica on the same PostgreSQL adopts it at once, not after the
 * 30-second lease, and finishes it with the tool called once.
 */
class ReplicaHandoverIT {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_graceful_stop_hands_its_run_over_to_the_other_replica() throws Exception {
        PostgresSchemas.requireServer("a graceful stop between two replicas");
        PostgresSchemas schemas = new PostgresSchemas();
        try (ScriptedChatServer chat = new ScriptedChatServer()) {
            String store = schemas.create();
            Map<String, String> environment = ServiceProcess.scripted(chat);
            try (ServiceProcess one = ServiceProcess.start("handover-one", store, "agents", environment);
                    ServiceProcess two = ServiceProcess.start("handover-two", store, "agents", environment)) {
                String text = "hand over " + UUID.randomUUID();
                String script = ScriptedChatServer.script(
                        "{\"delayMs\": 2500, \"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"" + text
                                + "\"}}]}",
                        "{\"answer\": \"handed over\"}");
                HttpResponse<String> started = HTTP.send(
                        PackagedService.request(one.port, "/v1/agents/echo-agent/runs", ServiceProcess.ADMIN_KEY)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        JSON.writeValueAsString(Map.of("input", script))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                String runId = JSON.readTree(started.body()).path("id").asText();
                List<String> followed = new CopyOnWriteArrayList<>();
                HTTP.sendAsync(
                                PackagedService.request(
                                                two.port, "/v1/runs/" + runId + "/events", ServiceProcess.ADMIN_KEY)
                                        .timeout(Duration.ofSeconds(60))
                                        .build(),
                                HttpResponse.BodyHandlers.ofLines())
                        .thenAccept(response -> response.body()
                                .filter(line -> line.startsWith("event:"))
                                .map(line -> line.substring("event:".length()).strip())
                                .forEach(followed::add));
                Thread.sleep(800); // the first model call is in flight on replica one

                one.stop();

                JsonNode run =
                        two.awaitStatus(runId, ended -> ended.path("endedAt").isTextual());
                assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("succeeded");
                assertThat(run.path("output").asText()).isEqualTo("handed over");
                assertThat(chat.wireMock()
                                .findAll(postRequestedFor(urlPathEqualTo("/tools/echo"))
                                        .withRequestBody(containing(text)))
                                .size())
                        .as("the tool was called once")
                        .isEqualTo(1);
                JsonNode audit = two.get("/v1/runs/" + runId + "/audit");
                Instant released = at(audit, "run.released");
                Instant resumed = at(audit, "run.resumed");
                assertThat(released)
                        .as("replica one released the run after its model call")
                        .isNotNull();
                Duration handover = Duration.between(released, resumed);
                System.out.println("Graceful handover: released " + released + ", resumed on the other replica "
                        + resumed + " (" + handover.toMillis() + " ms)");
                assertThat(handover).as("adopted at once, not after the lease").isLessThan(Duration.ofSeconds(5));
                assertThat(two.get("/v1/audit/verify").path("ok").asBoolean()).isTrue();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!followed.contains("end") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(followed)
                        .as("replica two's event stream followed the run that replica one began")
                        .contains("end")
                        .filteredOn("step"::equals)
                        .hasSize(run.path("steps").size());
            }
        } finally {
            schemas.drop();
        }
    }

    private static Instant at(JsonNode audit, String type) {
        for (JsonNode record : audit.path("items")) {
            if (record.path("type").asText().equals(type)) {
                return Instant.parse(record.path("at").asText());
            }
        }
        return null;
    }
}
