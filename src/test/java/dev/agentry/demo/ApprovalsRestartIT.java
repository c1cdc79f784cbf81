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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A run parked for a person's approval survives the packaged service being killed: after the restart
 * the approval is still pending, and approving it resumes the run, which makes the call once. On the
 * embedded H2 store and on PostgreSQL.
 */
class ApprovalsRestartIT {

    private static final String ADMIN_KEY = "approvals-it-admin-key-0123456789";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_pending_approval_survives_a_kill_on_h2() throws Exception {
        int port = PackagedService.freePort();
        survivesARestart(port, "jdbc:h2:file:./" + Path.of("target", "it-data", "approvals-" + port));
    }

    @Test
    void a_pending_approval_survives_a_kill_on_postgresql() throws Exception {
        PostgresSchemas.requireServer("an approval across a restart");
        PostgresSchemas schemas = new PostgresSchemas();
        try {
            survivesARestart(PackagedService.freePort(), schemas.create());
        } finally {
            schemas.drop();
        }
    }

    private void survivesARestart(int port, String storeUrl) throws Exception {
        Path data = Files.createDirectories(Path.of("target", "it-data"));
        try (ScriptedChatServer chat = new ScriptedChatServer()) {
            String text = "approve: book the board room " + UUID.randomUUID();
            Process service = start(port, storeUrl, data, chat);
            String runId;
            String approval;
            try {
                awaitUp(port);
                String script = ScriptedChatServer.script(
                        "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"" + text + "\"}}]}",
                        "{\"answer\": \"booked\"}");
                HttpResponse<String> started = HTTP.send(
                        request(port, "/v1/agents/guarded/runs")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        JSON.writeValueAsString(Map.of("input", script, "wait", true))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                JsonNode run = JSON.readTree(started.body());
                assertThat(run.path("status").asText()).isEqualTo("awaiting_approval");
                runId = run.path("id").asText();
                approval = get(port, "/v1/approvals?status=pending&agent=guarded")
                        .path("items")
                        .path(0)
                        .path("id")
                        .asText();
                assertThat(approval).startsWith("apr_");
            } finally {
                service.toHandle().destroyForcibly(); // SIGKILL while the run waits
                service.waitFor(20, TimeUnit.SECONDS);
            }

            Process again = start(port, storeUrl, data, chat);
            try {
                awaitUp(port);
                assertThat(get(port, "/v1/runs/" + runId).path("status").asText())
                        .isEqualTo("awaiting_approval");
                assertThat(get(port, "/v1/approvals/" + approval).path("status").asText())
                        .isEqualTo("pending");
                assertThat(echoes(chat, text)).isZero();

                HttpResponse<String> decided = HTTP.send(
                        request(port, "/v1/approvals/" + approval)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"decision\": \"approve\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);

                JsonNode ended = awaitEnd(port, runId);
                assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("succeeded");
                assertThat(ended.path("output").asText()).isEqualTo("booked");
                assertThat(echoes(chat, text)).isEqualTo(1);
                assertThat(get(port, "/v1/audit/verify").path("ok").asBoolean()).isTrue();
            } finally {
                again.destroy();
                if (!again.waitFor(20, TimeUnit.SECONDS)) {
                    again.destroyForcibly();
                }
            }
        }
    }

    private static int echoes(ScriptedChatServer chat, String text) {
        return chat.wireMock()
                .findAll(postRequestedFor(urlPathEqualTo("/tools/echo")).withRequestBody(containing(text)))
                .size();
    }

    private static Process start(int port, String storeUrl, Path data, ScriptedChatServer chat) throws Exception {
        Path assets = Path.of("src", "test", "resources", "assets");
        ProcessBuilder builder = new ProcessBuilder(PackagedService.command(
                "-Dquarkus.http.port=" + port,
                "-Dagentry.admin-key=" + ADMIN_KEY,
                "-Dagentry.sandbox.warm-on-start=false",
                "-Dagentry.agents-dir=" + assets.resolve("agents"),
                "-Dagentry.tools-dir=" + assets.resolve("tools"),
                "-Dagentry.policies-dir=" + assets.resolve("policies"),
                "-Dagentry.sandbox-dir=" + assets.resolve("sandbox"),
                "-Dagentry.audit.signing-key-file=" + data.resolve("approvals-" + port + "-key.pem"),
                "-Dagentry.store.url=" + storeUrl,
                "-Dagentry.store.username=postgres"));
        builder.environment().put("TEST_MODEL_URL", chat.modelUrl());
        builder.environment().put("TEST_TOOLS_URL", chat.toolsUrl());
        builder.environment().put("TEST_TOOLS_TOKEN", "s3cr3t-test-token-4711");
        return builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        data.resolve("approvals-" + port + ".log").toFile()))
                .start();
    }

    private static JsonNode get(int port, String path) throws Exception {
        return JSON.readTree(HTTP.send(request(port, path).build(), HttpResponse.BodyHandlers.ofString())
                .body());
    }

    private static JsonNode awaitEnd(int port, String runId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode run = get(port, "/v1/runs/" + runId);
        while (!run.path("endedAt").isTextual() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            run = get(port, "/v1/runs/" + runId);
        }
        return run;
    }

    private static HttpRequest.Builder request(int port, String path) {
        return PackagedService.request(port, path, ADMIN_KEY);
    }

    private static void awaitUp(int port) throws Exception {
        PackagedService.awaitUp(port, ADMIN_KEY);
    }
}
