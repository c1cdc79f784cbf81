package dev.agentry.sandbox.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.fixtures.Bench;
import dev.agentry.fixtures.ProcessCpu;
import dev.agentry.sandbox.ExecutionResult;
import dev.agentry.sandbox.SandboxProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Code execution, side by side in one run with langchain4j's GraalVmJavaScriptExecutionEngine on the
 * same snippets. Agentry is measured end to end through the {@code CodeSandbox} port, worker round
 * trip included; the peer (which pins polyglot 24.1.1) runs in a JVM of its own on its own classpath
 * ({@code src/test/peer}).
 */
@Tag("bench")
class CodeBench {

    private static final String SMALL = "const a = Array.from({length: 1000}, (_, i) => i);"
            + " JSON.stringify({sum: a.reduce((x, y) => x + y, 0)})";
    private static final String CPU = "let s = 0; for (let i = 0; i < 10000000; i++) { s += i % 7 } s";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The small snippet's p50 is measured after each of these numbers of warm-up executions, on each
     * side (src/test/peer/PeerBench.java gets the same): a worker's JIT is still compiling the
     * engine's own code after thousands of contexts, so the second figure is the steady state.
     */
    private static final List<Integer> WARM_UPS = List.of(6_000, 40_000);

    private static final Duration POOL_WARM_UP = Duration.ofSeconds(20);
    /** Small executions over which CPU per execution is measured (src/test/peer/PeerBench.java: the same). */
    private static final int CPU_WINDOW = 5_000;

    @Test
    void code_execution_against_langchain4j_graalvm_engine() throws Exception {
        JsonNode peer = peer();
        WorkerSandbox sandbox = Sandboxes.start();
        try {
            SandboxProfile profile = Sandboxes.profile("bench", Duration.ofSeconds(10), 100_000_000L, 2);
            expect(Sandboxes.run(sandbox, profile, SMALL), "\"{\\\"sum\\\":499500}\"");
            // As in the service: a new pool warms itself while idle before traffic comes.
            Thread.sleep(POOL_WARM_UP.toMillis());
            List<double[]> small = new ArrayList<>();
            int warmedUp = 0;
            for (int checkpoint : WARM_UPS) {
                for (; warmedUp < checkpoint; warmedUp++) {
                    Sandboxes.run(sandbox, profile, SMALL);
                }
                double[] latencies = new double[1_000];
                for (int i = 0; i < latencies.length; i++) {
                    long t0 = System.nanoTime();
                    Sandboxes.run(sandbox, profile, SMALL);
                    latencies[i] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(latencies);
                small.add(latencies);
            }

            SmallCpu smallCpu = smallCpu(sandbox, profile);

            expect(Sandboxes.run(sandbox, profile, CPU), "29999994");
            for (int i = 0; i < 120; i++) {
                Sandboxes.run(sandbox, profile, CPU);
            }
            double[] cpu = new double[9];
            for (int i = 0; i < cpu.length; i++) {
                long t0 = System.nanoTime();
                Sandboxes.run(sandbox, profile, CPU);
                cpu[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(cpu);

            double throughput = throughput(sandbox, profile, 4, Duration.ofSeconds(10));

            SandboxProfile oneSecond = Sandboxes.profile("one-second", Duration.ofSeconds(1), Long.MAX_VALUE, 1);
            Sandboxes.run(sandbox, oneSecond, "1");
            long t0 = System.nanoTime();
            ExecutionResult forever = Sandboxes.run(sandbox, oneSecond, "while (true) {}");
            double stoppedAfter = (System.nanoTime() - t0) / 1e9;
            boolean stopped =
                    forever instanceof ExecutionResult.Stopped s && s.limit().equals("timeout");

            double cpuMedian = cpu[cpu.length / 2];
            double peerCpu = peer.path("cpuMedianMs").asDouble();
            List<Bench.Row> rows = new ArrayList<>();
            for (int i = 0; i < WARM_UPS.size(); i++) {
                double p50 = small.get(i)[small.get(i).length / 2];
                double peerP50 = peer.path("smallP50Ms").path(i).asDouble();
                boolean steady = i == WARM_UPS.size() - 1;
                rows.add(Bench.row(
                        "small snippet (sum 1,000 numbers, return JSON), p50 after %,d warm-up executions"
                                .formatted(WARM_UPS.get(i)),
                        "%.2f ms vs %.2f ms".formatted(p50, peerP50),
                        steady
                                ? "%.1f× faster (targets ≤ 2 ms and ≥ 4×) %s"
                                        .formatted(peerP50 / p50, Bench.verdict(p50 <= 2 && peerP50 / p50 >= 4))
                                : "%.1f× faster (not yet steady)".formatted(peerP50 / p50)));
            }
            int cores = Runtime.getRuntime().availableProcessors();
            double peerSmallCpu = peer.path("smallCpuMicros").asDouble();
            rows.add(Bench.row(
                    "CPU per small execution at steady state (%,d sequential ones)".formatted(CPU_WINDOW),
                    Double.isNaN(smallCpu.workers())
                            ? "service %.0f µs, workers not measured (no /proc, or one was replaced) vs %.0f µs"
                                    .formatted(smallCpu.service(), peerSmallCpu)
                            : "%.0f µs (workers %.0f, service %.0f) vs %.0f µs"
                                    .formatted(
                                            smallCpu.workers() + smallCpu.service(),
                                            smallCpu.workers(),
                                            smallCpu.service(),
                                            peerSmallCpu),
                    "so on %d cores a sequential execution takes at least %.0f µs on average; measured %.0f µs"
                            .formatted(cores, smallCpu.floorOn(cores), smallCpu.wall())));
            Bench.report(
                    "Code execution: Agentry (worker processes, pool of 2) vs langchain4j GraalVmJavaScriptExecutionEngine",
                    Stream.concat(
                                    rows.stream(),
                                    Stream.of(
                                            Bench.row(
                                                    "CPU-heavy snippet (10M-iteration loop), median",
                                                    "%.1f ms vs %.1f ms".formatted(cpuMedian, peerCpu),
                                                    "%.1f× faster (target ≥ 20×) %s"
                                                            .formatted(
                                                                    peerCpu / cpuMedian,
                                                                    Bench.verdict(peerCpu / cpuMedian >= 20))),
                                            Bench.row(
                                                    "throughput, small snippet, 2 workers on 2 cores",
                                                    "%.0f/s vs %.0f/s"
                                                            .formatted(
                                                                    throughput,
                                                                    peer.path("throughputPerSecond")
                                                                            .asDouble()),
                                                    "target ≥ 500/s %s".formatted(Bench.verdict(throughput >= 500))),
                                            Bench.row(
                                                    "infinite loop with a 1 s timeout",
                                                    "stopped after %.3f s vs %s"
                                                            .formatted(
                                                                    stoppedAfter,
                                                                    peer.path("infiniteLoopReturnedWithin5s")
                                                                                    .asBoolean()
                                                                            ? "returned"
                                                                            : "no answer after 5 s"),
                                                    "target ≤ 1.1 s %s"
                                                            .formatted(Bench.verdict(stopped && stoppedAfter <= 1.1))),
                                            Bench.row(
                                                    "workers' compiler",
                                                    sandbox.implementation(),
                                                    "the peer runs "
                                                            + peer.path("jvm").asText() + " without a compiler")))
                            .toList());
        } finally {
            sandbox.stop(null);
        }
    }

    /**
     * CPU per small execution at steady state, in the workers and in this JVM (the caller and the
     * service's side of the round trip), over {@link #CPU_WINDOW} sequential executions. Divided by the
     * cores it is a floor under the mean latency of sequential executions: they cannot take less
     * wall time than the CPU they need spread over every core.
     */
    private static SmallCpu smallCpu(WorkerSandbox sandbox, SandboxProfile profile) {
        List<ProcessHandle> workers = ProcessHandle.current().children().toList();
        long[] workersBefore = workers.stream().mapToLong(CodeBench::cpuOf).toArray();
        long selfBefore = ProcessCpu.self();
        long t0 = System.nanoTime();
        for (int i = 0; i < CPU_WINDOW; i++) {
            Sandboxes.run(sandbox, profile, SMALL);
        }
        double wallMicros = (System.nanoTime() - t0) / 1e3 / CPU_WINDOW;
        double selfMicros = (ProcessCpu.self() - selfBefore) / 1e3 / CPU_WINDOW;
        if (!ProcessHandle.current().children().toList().equals(workers)) {
            // a worker was replaced meanwhile: the newcomer's CPU would go uncounted
            return new SmallCpu(wallMicros, selfMicros, Double.NaN);
        }
        long workersNanos = 0;
        for (int i = 0; i < workers.size(); i++) {
            long after = cpuOf(workers.get(i));
            if (after < 0 || workersBefore[i] < 0) {
                return new SmallCpu(wallMicros, selfMicros, Double.NaN);
            }
            workersNanos += after - workersBefore[i];
        }
        return new SmallCpu(wallMicros, selfMicros, workersNanos / 1e3 / CPU_WINDOW);
    }

    /** Microseconds per execution: mean wall time, CPU in this JVM, CPU in the workers (NaN if unknown). */
    private record SmallCpu(double wall, double service, double workers) {
        double floorOn(int cores) {
            return (service + workers) / cores;
        }
    }

    private static long cpuOf(ProcessHandle process) {
        return ProcessCpu.of(process).orElse(-1);
    }

    private static double throughput(WorkerSandbox sandbox, SandboxProfile profile, int clients, Duration duration)
            throws InterruptedException {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        CountDownLatch finished = new CountDownLatch(clients);
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    if (Sandboxes.run(sandbox, profile, SMALL) instanceof ExecutionResult.Completed) {
                        done.incrementAndGet();
                    }
                }
                finished.countDown();
            });
        }
        finished.await();
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    private static void expect(ExecutionResult result, String json) throws IOException {
        if (!(result instanceof ExecutionResult.Completed completed)
                || !completed.value().equals(JSON.readTree(json))) {
            throw new IllegalStateException("unexpected result " + result);
        }
    }

    /** Resolves the peer's classpath from src/test/peer/pom.xml and runs PeerBench.java on it. */
    private static JsonNode peer() throws Exception {
        Path classpath = Path.of("target", "peer", "classpath.txt").toAbsolutePath();
        Files.createDirectories(classpath.getParent());
        run(List.of(
                Path.of("mvnw").toAbsolutePath().toString(),
                "-q",
                "-B",
                "-f",
                "src/test/peer/pom.xml",
                "dependency:build-classpath",
                "-Dmdep.outputFile=" + classpath));
        String java = ProcessHandle.current().info().command().orElse("java");
        String output = run(List.of(
                java,
                "-cp",
                Files.readString(classpath).trim(),
                "src/test/peer/PeerBench.java",
                WARM_UPS.stream().map(String::valueOf).collect(Collectors.joining(","))));
        String line = output.lines()
                .filter(l -> l.startsWith("{"))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("the peer printed no figures:\n" + output));
        return JSON.readTree(line);
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command))
                .redirectErrorStream(true)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
