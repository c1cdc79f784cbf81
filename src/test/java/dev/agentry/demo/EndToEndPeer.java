package dev.agentry.demo;

import dev.agentry.fixtures.ProcessCpu;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The end-to-end benchmark's peer, in a JVM of its own: langchain4j {@code AiServices} on virtual
 * threads making the same HTTP model and tool calls as the service's runs, with nothing stored.
 * Prints one line: wall time, latency p50 and p99 (ms) and the JVM's CPU time (ms) for the measured
 * round, after a warm-up round. Usage: {@code EndToEndPeer <world url> <runs> <warm-up runs>}.
 */
public final class EndToEndPeer {

    interface Assistant {
        String chat(String input);
    }

    /** The tool, called over HTTP as the service's toolset calls it. */
    public static final class BenchTools {
        private final HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final URI uri;

        BenchTools(String world) {
            this.uri = URI.create(world + "/tool");
        }

        @Tool("Echoes its text.")
        public String bench_echo(String text) throws Exception {
            return http.send(
                            HttpRequest.newBuilder(uri)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"" + text + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }

    private EndToEndPeer() {}

    public static void main(String[] args) throws Exception {
        String world = args[0];
        int runs = Integer.parseInt(args[1]);
        int warmUp = Integer.parseInt(args[2]);
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(OpenAiChatModel.builder()
                        .baseUrl(world + "/v1")
                        .apiKey("e2e-bench-key-0123")
                        .modelName("e2e-model")
                        .timeout(Duration.ofMinutes(2))
                        .build())
                .tools(new BenchTools(world))
                .build();
        round(assistant, warmUp);
        long cpu0 = ProcessCpu.self();
        double[] measured = round(assistant, runs);
        long cpu = ProcessCpu.self() - cpu0;
        System.out.printf(
                "PEER wall=%.1f p50=%.1f p99=%.1f cpu=%.1f%n", measured[0], measured[1], measured[2], cpu / 1e6);
    }

    /** Runs {@code runs} conversations at once: wall ms, p50 ms, p99 ms. */
    private static double[] round(Assistant assistant, int runs) throws Exception {
        long t0 = System.nanoTime();
        List<Future<Double>> ends = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < runs; i++) {
                ends.add(threads.submit(() -> {
                    long start = System.nanoTime();
                    String answer = assistant.chat("Call the tool five times, then answer.");
                    if (!answer.startsWith("done")) {
                        throw new IllegalStateException("unexpected answer: " + answer);
                    }
                    return (System.nanoTime() - start) / 1e6;
                }));
            }
        }
        return summary(t0, ends);
    }

    /** Wall ms since {@code t0}, and the p50 and p99 of the runs' latencies (ms). */
    static double[] summary(long t0, List<Future<Double>> ends) throws Exception {
        double wall = (System.nanoTime() - t0) / 1e6;
        double[] latencies = new double[ends.size()];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = ends.get(i).get();
        }
        Arrays.sort(latencies);
        return new double[] {
            wall, latencies[latencies.length / 2], latencies[(int) Math.ceil(latencies.length * 0.99) - 1]
        };
    }
}
