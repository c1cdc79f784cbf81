package dev.agentry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The packaged service killed with SIGKILL in the middle of a write load loses no record it
 * acknowledged, and its chain verifies after the restart.
 */
class JournalKillIT {

    private static final String ADMIN_KEY = "kill-test-admin-key-0123456789";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void no_acknowledged_record_is_lost_when_the_service_is_killed_and_the_chain_verifies_after() throws Exception {
        int port = PackagedService.freePort();
        Path store = Path.of("target", "it-data", "kill-" + port);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();

        Process service = start(port, store);
        try {
            awaitUp(port);
            AtomicBoolean loading = new AtomicBoolean(true);
            ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
            for (int c = 0; c < 16; c++) {
                clients.submit(() -> {
                    for (int i = 0; loading.get(); i++) {
                        try {
                            HttpResponse<String> issued = HTTP.send(
                                    request(port, "/v1/keys")
                                            .header("Content-Type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"k" + i
                                                    + "\", \"role\": \"viewer\", \"agents\": [\"*\"]}"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (issued.statusCode() == 201) {
                                acknowledged.add(
                                        JSON.readTree(issued.body()).path("id").asText());
                            }
                        } catch (Exception killed) {
                            return null;
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(3_000);
            service.toHandle().destroyForcibly(); // SIGKILL, mid-load
            service.waitFor(20, TimeUnit.SECONDS);
            loading.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            service.destroyForcibly();
        }
        assertThat(acknowledged).hasSizeGreaterThan(50);

        Process again = start(port, store);
        try {
            awaitUp(port);
            Set<String> recorded = new HashSet<>();
            String cursor = "";
            while (cursor != null) {
                JsonNode page = JSON.readTree(HTTP.send(
                                request(port, "/v1/audit?type=key.issued&limit=1000" + cursor)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                page.path("items")
                        .forEach(item ->
                                recorded.add(item.path("data").path("id").asText()));
                cursor = page.path("nextCursor").isTextual()
                        ? "&cursor=" + page.path("nextCursor").asText()
                        : null;
            }
            assertThat(recorded).containsAll(acknowledged);
            JsonNode verified = JSON.readTree(
                    HTTP.send(request(port, "/v1/audit/verify").build(), HttpResponse.BodyHandlers.ofString())
                            .body());
            assertThat(verified.path("ok").asBoolean()).as(verified.toString()).isTrue();
            assertThat(verified.path("records").asLong()).isGreaterThanOrEqualTo(acknowledged.size());
        } finally {
            again.destroy();
            if (!again.waitFor(20, TimeUnit.SECONDS)) {
                again.destroyForcibly();
            }
        }
    }

    private static Process start(int port, Path store) throws Exception {
        java.nio.file.Files.createDirectories(store.getParent());
        return new ProcessBuilder(PackagedService.command(
                        "-Dquarkus.http.port=" + port,
                        "-Dagentry.admin-key=" + ADMIN_KEY,
                        "-Dagentry.sandbox.warm-on-start=false",
                        "-Dagentry.audit.signing-key-file=" + store + "-key.pem",
                        "-Dagentry.store.url=jdbc:h2:file:./" + store))
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(Path.of(store + ".log").toFile()))
                .start();
    }

    private static HttpRequest.Builder request(int port, String path) {
        return PackagedService.request(port, path, ADMIN_KEY);
    }

    private static void awaitUp(int port) throws Exception {
        PackagedService.awaitUp(port, ADMIN_KEY);
    }
}
