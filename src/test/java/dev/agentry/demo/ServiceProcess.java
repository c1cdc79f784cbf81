package dev.agentry.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged service in a process of its own, on a store it may share with others; for the tests and
 * benchmarks of schedules and replicas. The ticker agent (in the {@code schedules} assets) runs every
 * second.
 */
final class ServiceProcess implements AutoCloseable {

    static final String ADMIN_KEY = "replicas-it-admin-key-0123456789";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    final int port;
    private final Process process;

    private ServiceProcess(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** The variables the test agents and toolsets read, for services whose model and tools {@code chat} serves. */
    static Map<String, String> scripted(dev.agentry.fixtures.ScriptedChatServer chat) {
        return Map.of(
                "TEST_MODEL_URL", chat.modelUrl(),
                "TEST_TOOLS_URL", chat.toolsUrl(),
                "TEST_TOOLS_TOKEN", "s3cr3t-test-token-4711");
    }

    /** Waits until {@code done} holds for the run, at most 60 s; returns the run as it then is. */
    JsonNode awaitStatus(String runId, java.util.function.Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode run = get("/v1/runs/" + runId);
        while (!done.test(run) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            run = get("/v1/runs/" + runId);
        }
        return run;
    }

    /** The ticker's service: the {@code schedules} assets, its model at {@code modelUrl}. */
    static ServiceProcess ticker(String name, String storeUrl, String modelUrl) throws Exception {
        return start(name, storeUrl, "schedules", Map.of("TEST_INSTANT_MODEL_URL", modelUrl));
    }

    /**
     * Starts the service on the store at {@code storeUrl} with the agents in the test assets' folder
     * {@code agents}, and waits until it answers.
     */
    static ServiceProcess start(
            String name, String storeUrl, String agents, Map<String, String> environment, String... options)
            throws Exception {
        Path data = Files.createDirectories(Path.of("target", "it-data"));
        Path assets = Path.of("src", "test", "resources", "assets");
        int port = PackagedService.freePort();
        List<String> settings = new ArrayList<>(List.of(
                "-Dquarkus.http.port=" + port,
                "-Dagentry.admin-key=" + ADMIN_KEY,
                "-Dagentry.sandbox.warm-on-start=false",
                "-Dagentry.agents-dir=" + assets.resolve(agents),
                "-Dagentry.tools-dir=" + assets.resolve("tools"),
                "-Dagentry.policies-dir=" + assets.resolve("policies"),
                "-Dagentry.sandbox-dir=" + assets.resolve("sandbox"),
                "-Dagentry.audit.signing-key-file=" + data.resolve("replicas-" + storeUrl.hashCode() + "-key.pem"),
                "-Dagentry.store.url=" + storeUrl,
                "-Dagentry.runs.node-id=" + name,
                "-Dagentry.store.username=postgres"));
        settings.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(PackagedService.command(settings.toArray(String[]::new)));
        builder.environment().putAll(environment);
        Process process = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        data.resolve("replica-" + name + "-" + port + ".log").toFile()))
                .start();
        ServiceProcess service = new ServiceProcess(port, process);
        try {
            PackagedService.awaitUp(port, ADMIN_KEY);
        } catch (Exception | AssertionError e) {
            service.close();
            throw e;
        }
        return service;
    }

    JsonNode get(String path) throws Exception {
        return JSON.readTree(
                HTTP.send(PackagedService.request(port, path, ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString())
                        .body());
    }

    int post(String path) throws Exception {
        return HTTP.send(
                        PackagedService.request(port, path, ADMIN_KEY)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Every run of the ticker, newest first, across pages. */
    List<JsonNode> tickerRuns() throws Exception {
        List<JsonNode> runs = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = get("/v1/runs?agent=ticker&limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
            page.path("items").forEach(runs::add);
            cursor = page.path("nextCursor").isTextual()
                    ? page.path("nextCursor").asText()
                    : null;
        } while (cursor != null);
        return runs;
    }

    /** Waits until the ticker has at least {@code count} runs, at most {@code seconds}. */
    List<JsonNode> awaitRuns(int count, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<JsonNode> runs = tickerRuns();
        while (runs.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(500);
            runs = tickerRuns();
        }
        return runs;
    }

    /** The process dies at once (SIGKILL), as in a crash or an out-of-memory kill. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends {@code body} with POST; returns the status and the answer. */
    HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(
                PackagedService.request(port, path, ADMIN_KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A graceful stop, as an orchestrator asks for one (SIGTERM); returns once the process has exited. */
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
