package dev.agentry.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.fixtures.Bench;
import dev.agentry.fixtures.ProcessCpu;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, as a deployment spends its CPU: {@value #RUNS} runs started at once over REST against
 * the packaged service (started as {@code ./agentry start} starts it: H2 file store, audit journal,
 * API keys, everything on), each run {@value EndToEndWorld#TOOL_CALLS} tool calls and six model calls,
 * the model (answering after 200 ms) and the tool served over HTTP by another JVM
 * ({@link EndToEndWorld}). Side by side, langchain4j {@code AiServices} on virtual threads makes the
 * same HTTP calls in a JVM of its own ({@link EndToEndPeer}). Each side runs a warm-up round first;
 * the measured round reports wall time against the ideal (six model calls in a row: 1.2 s), run
 * latency p50/p99, and the CPU its JVM spent per step (model and tool calls).
 */
@Tag("bench")
class EndToEndBenchIT {

    static final int RUNS = 200;
    private static final int STEPS_PER_RUN = 2 * EndToEndWorld.TOOL_CALLS + 1;
    private static final String KEY = "e2e-bench-admin-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void two_hundred_runs_over_rest_against_ai_services_over_http() throws Exception {
        int worldPort = PackagedService.freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        Process world = new ProcessBuilder(java, "-cp", classpath, EndToEndWorld.class.getName(), "" + worldPort)
                .redirectErrorStream(true)
                .start();
        Process service = null;
        try {
            awaitLine(world, "ready");
            String url = "http://127.0.0.1:" + worldPort;
            Path agents = Files.createDirectories(dir.resolve("agents"));
            Path tools = Files.createDirectories(dir.resolve("tools"));
            Files.writeString(agents.resolve("e2e.yaml"), """
                    name: e2e
                    description: Five tool calls, then an answer.
                    model: {provider: openai, name: e2e-model, base-url: "URL/v1", api-key: e2e-bench-key-0123}
                    instructions: Call the tool five times, then answer.
                    tools: [bench.*]
                    """.replace("URL", url));
            Files.writeString(tools.resolve("bench.yaml"), """
                    name: bench
                    description: The end-to-end benchmark's tool.
                    base-url: URL
                    tools:
                      - name: echo
                        description: Echoes its text.
                        parameters: {type: object, properties: {text: {type: string}}}
                        http: {method: POST, path: /tool, body: "{*}"}
                    """.replace("URL", url));
            int port = PackagedService.freePort();
            List<String> options = new java.util.ArrayList<>(List.of(
                    "-Dquarkus.http.port=" + port,
                    "-Dagentry.admin-key=" + KEY,
                    "-Dagentry.sandbox.warm-on-start=false",
                    "-Dagentry.agents-dir=" + agents,
                    "-Dagentry.tools-dir=" + tools,
                    "-Dagentry.policies-dir=" + Files.createDirectories(dir.resolve("policies")),
                    "-Dagentry.audit.signing-key-file=" + dir.resolve("key.pem"),
                    "-Dagentry.store.url=jdbc:h2:file:" + dir.resolve("store")));
            // More JVM options for the service, to profile it: -De2e.service-options=-XX:StartFlightRecording=...
            String more = System.getProperty("e2e.service-options", "");
            if (!more.isBlank()) {
                options.addAll(List.of(more.trim().split("\\s+")));
            }
            service = new ProcessBuilder(PackagedService.command(options.toArray(String[]::new)))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("service.log").toFile())
                    .start();
            PackagedService.awaitUp(port, KEY);

            round(port, RUNS);
            ProcessHandle handle = service.toHandle();
            long cpu0 = ProcessCpu.of(handle).orElseThrow();
            double[] agentry = round(port, RUNS);
            double agentryCpuMs = (ProcessCpu.of(handle).orElseThrow() - cpu0) / 1e6;

            double[] peer = peer(java, classpath, url);

            double ideal = 6 * EndToEndWorld.MODEL_DELAY_MS;
            int steps = RUNS * STEPS_PER_RUN;
            double agentryPerStep = agentryCpuMs * 1000 / steps;
            double peerPerStep = peer[3] * 1000 / steps;
            double ratio = agentryPerStep / peerPerStep;
            Bench.report(
                    "End to end: " + RUNS + " runs at once over REST, 6 model calls (200 ms each) and 5 tool calls over"
                            + " HTTP per run",
                    List.of(
                            Bench.row(
                                    "Agentry (packaged, H2 store, journal, keys): wall time",
                                    "%.2f s".formatted(agentry[0] / 1000),
                                    "%.2f× the ideal %.1f s".formatted(agentry[0] / ideal, ideal / 1000)),
                            Bench.row(
                                    "Agentry: run latency p50 / p99",
                                    "%.2f / %.2f s".formatted(agentry[1] / 1000, agentry[2] / 1000),
                                    ""),
                            Bench.row(
                                    "Agentry: service CPU per step",
                                    "%.0f µs".formatted(agentryPerStep),
                                    "%.2f× AiServices, target ≤ 1.0× %s".formatted(ratio, Bench.verdict(ratio <= 1.0))),
                            Bench.row(
                                    "langchain4j AiServices (virtual threads, nothing stored): wall time",
                                    "%.2f s".formatted(peer[0] / 1000),
                                    "%.2f× the ideal".formatted(peer[0] / ideal)),
                            Bench.row(
                                    "AiServices: run latency p50 / p99",
                                    "%.2f / %.2f s".formatted(peer[1] / 1000, peer[2] / 1000),
                                    ""),
                            Bench.row("AiServices: JVM CPU per step", "%.0f µs".formatted(peerPerStep), "")));
        } finally {
            if (service != null) {
                service.destroy();
                if (!service.waitFor(20, TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                }
            }
            world.destroyForcibly();
        }
    }

    /** {@code runs} runs started at once, each waited for: wall ms, p50 ms, p99 ms. */
    private static double[] round(int port, int runs) throws Exception {
        long t0 = System.nanoTime();
        List<Future<Double>> ends = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < runs; i++) {
                ends.add(threads.submit(() -> {
                    long start = System.nanoTime();
                    HttpResponse<String> answer = HTTP.send(
                            PackagedService.request(port, "/v1/agents/e2e/runs", KEY)
                                    .timeout(Duration.ofMinutes(2))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"go\", \"wait\": true}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    var run = JSON.readTree(answer.body());
                    if (answer.statusCode() != 200
                            || !"succeeded".equals(run.path("status").asText())
                            || run.path("usage").path("toolCalls").asInt() != EndToEndWorld.TOOL_CALLS) {
                        throw new IllegalStateException("a run did not succeed: " + answer.body());
                    }
                    return (System.nanoTime() - start) / 1e6;
                }));
            }
        }
        return EndToEndPeer.summary(t0, ends);
    }

    /** The peer's figures: wall, p50, p99 and CPU, in ms. */
    private static double[] peer(String java, String classpath, String world) throws Exception {
        Process peer = new ProcessBuilder(
                        java, "-cp", classpath, EndToEndPeer.class.getName(), world, "" + RUNS, "" + RUNS)
                .redirectErrorStream(true)
                .start();
        String line = awaitLine(peer, "PEER ");
        peer.waitFor(30, TimeUnit.SECONDS);
        Matcher figures = Pattern.compile("wall=([\\d.]+) p50=([\\d.]+) p99=([\\d.]+) cpu=([\\d.]+)")
                .matcher(line);
        if (!figures.find()) {
            throw new IllegalStateException("the peer printed " + line);
        }
        return new double[] {
            Double.parseDouble(figures.group(1)),
            Double.parseDouble(figures.group(2)),
            Double.parseDouble(figures.group(3)),
            Double.parseDouble(figures.group(4))
        };
    }

    /** The first line of {@code process}'s output that starts with {@code prefix}; its output up to then otherwise. */
    private static String awaitLine(Process process, String prefix) throws Exception {
        BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("the process ended without '" + prefix + "': " + seen);
    }
}
