package dev.agentry.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Build step (run by Maven after packaging): a training run of the packaged service that writes a JDK
 * AOT cache next to {@code quarkus-run.jar}; {@code ./agentry} starts the service with it. There are
 * two, because the JVM loads every class a cache holds as it starts, and a production start must not
 * load the demo's simulators (WireMock among them): {@link #CACHE}, trained on a production start that
 * loads the project's assets and answers a few REST reads, and {@link #DEMO_CACHE}, trained in demo
 * mode, which needs no keys and no network: it serves the demo's agents and answers a REST run of the
 * data analyst (whose code.run calls the CRM). Each run is stopped the way an operator stops the
 * service, and the JDK writes the classes it loaded and linked as it exits. A failed training costs
 * only start-up speed, so it warns and leaves no cache rather than failing the build. Usage:
 * {@code ServiceTraining <quarkus-run.jar> <work dir> production|demo}.
 */
public final class ServiceTraining {

    /** The cache of a production start ({@code ./agentry start}). */
    public static final String CACHE = "agentry.aot";
    /** The cache of a demo start ({@code ./agentry demo}). */
    public static final String DEMO_CACHE = "agentry-demo.aot";
    /**
     * The options the service's JVM runs with, here for the training run and in {@code ./agentry} for
     * users (a test keeps the two equal). C1 only: on 2 cores the optimizing C2 compiler spends about
     * 1.5 s of CPU during the start, while this service's steady state (REST, the run loop, the store)
     * measured the same or faster without it. Guest code is unaffected: the sandbox workers keep the
     * optimizing compilers. A later {@code -XX:TieredStopAtLevel=4} on the command line brings C2 back.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

    /** The admin key of the training run's service, which lives only as long as that run. */
    private static final String TRAINING_KEY = "aot-training-" + java.util.UUID.randomUUID();

    private static final Duration START = Duration.ofMinutes(2);
    private static final int OUTPUT_LINES = 60;

    private ServiceTraining() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Path jar = Path.of(args[0]);
        boolean demo = args.length > 2 && "demo".equals(args[2]);
        Path work = Path.of(args[1], demo ? "demo" : "production");
        Path cache = jar.resolveSibling(demo ? DEMO_CACHE : CACHE);
        Files.deleteIfExists(cache);
        Files.createDirectories(work);
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-XX:AOTCacheOutput=" + cache);
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of(
                "-Dagentry.demo.enabled=" + demo,
                "-Dagentry.admin-key=" + TRAINING_KEY,
                "-Dagentry.audit.signing-key-file=" + work.resolve("signing-key.pem"),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + freePort(),
                // absolute: "./" before an absolute path made H2 write under the working folder
                "-Dagentry.store.url=jdbc:h2:file:"
                        + work.resolve("store").toAbsolutePath().toString().replace('\\', '/'),
                "-jar",
                jar.toString()));
        Process service = new ProcessBuilder(command).redirectErrorStream(true).start();
        Deque<String> output = new ArrayDeque<>();
        CountDownLatch demoDone = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> collect(service, output, demoDone));
        String problem;
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            String base = "http://localhost:" + port;
            problem = awaitStart(service, http, base);
            if (problem == null) {
                problem = demo ? exercise(http, base, demoDone) : serve(http, base);
            }
        } finally {
            // Through the handle: Process.destroy() would also close the pipe the service logs to, and
            // the JDK writes the cache while the service exits, after its last lines.
            service.toHandle().destroy();
        }
        boolean exited = service.waitFor(5, TimeUnit.MINUTES);
        if (problem == null && !exited) {
            problem = "the service did not exit within 5 minutes of being stopped";
        }
        if (problem == null && !Files.isRegularFile(cache)) {
            problem = "the JDK wrote no cache on exit (exit code " + service.exitValue() + ")";
        }
        if (problem != null) {
            service.destroyForcibly();
            Files.deleteIfExists(cache);
            synchronized (output) {
                System.err.println("[WARNING] The service's AOT cache was not written (" + problem
                        + "); ./agentry starts the service without it. The training run's last output:\n  "
                        + String.join("\n  ", output));
            }
            return;
        }
        System.out.printf("[INFO] Service AOT cache written: %s (%d MiB)%n", cache, Files.size(cache) >> 20);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * What a production training asks of the service: to start with the project's assets and answer
     * the reads an operator makes first. Returns why it could not, or null.
     */
    private static String serve(HttpClient http, String base) throws InterruptedException {
        for (String path : List.of("/v1/tools", "/v1/runs", "/v1/policies", "/v1/audit?limit=10", "/v1/runs/run_x")) {
            try {
                http.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .header("Authorization", "Bearer " + TRAINING_KEY)
                                .timeout(START)
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                return "GET " + path + " failed: " + e.getMessage();
            }
        }
        return null;
    }

    /** What a demo training asks of the service; returns why it could not, or null. */
    private static String exercise(HttpClient http, String base, CountDownLatch demoDone) throws InterruptedException {
        if (!demoDone.await(START.toSeconds(), TimeUnit.SECONDS)) {
            return "the demo's runs did not finish within " + START.toSeconds() + " s";
        }
        try {
            HttpResponse<String> run = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/agents/data-analyst/runs"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + TRAINING_KEY)
                            .timeout(START)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"input\": \"How big is the open pipeline?\", \"wait\": true}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return run.statusCode() == 200 && run.body().contains("\"succeeded\"")
                    ? null
                    : "the data-analyst run answered " + run.statusCode() + ": " + run.body();
        } catch (IOException e) {
            return "the data-analyst run failed: " + e.getMessage();
        }
    }

    /** Waits until the service answers {@code GET /v1/agents}; returns why it did not, or null. */
    private static String awaitStart(Process service, HttpClient http, String base) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(base + "/v1/agents"))
                                                .header("Authorization", "Bearer " + TRAINING_KEY)
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return null;
                }
            } catch (ConnectException notYet) {
                // not listening yet
            } catch (IOException e) {
                return "GET /v1/agents failed: " + e.getMessage();
            }
            if (!service.isAlive()) {
                return "the service did not start (exit code " + service.exitValue() + ")";
            }
            if (System.nanoTime() > deadline) {
                return "the service did not answer within " + START.toSeconds() + " s";
            }
            Thread.sleep(50);
        }
    }

    /** Keeps the service's last lines, and notes when the demo says it is serving (its runs are done). */
    private static void collect(Process service, Deque<String> output, CountDownLatch demoDone) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("Agentry is serving on")) {
                    demoDone.countDown();
                }
                synchronized (output) {
                    output.addLast(line);
                    if (output.size() > OUTPUT_LINES) {
                        output.removeFirst();
                    }
                }
            }
        } catch (IOException gone) {
            // the service exited
        }
    }
}
