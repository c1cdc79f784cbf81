package dev.agentry.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged service, started as {@code ./agentry} starts it: with the AOT cache the build trained
 * for its mode (demo or production), if any.
 */
final class PackagedService {

    private static final Path APP = Path.of("target", "quarkus-app");

    private PackagedService() {}

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line: this JVM's java, the cache, the service's JVM options, {@code options}, then the app. */
    static List<String> command(String... options) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        boolean demo = List.of(options).contains("-Dagentry.demo.enabled=true");
        Path cache = APP.resolve(demo ? ServiceTraining.DEMO_CACHE : ServiceTraining.CACHE);
        if (Files.isRegularFile(cache)) {
            command.add("-XX:AOTCache=" + cache);
        }
        command.addAll(ServiceTraining.JVM_OPTIONS);
        // A free port for the management interface, so tests never collide with a service on 9000. Not 0:
        // the packaged service's start then waits for the management interface forever.
        command.add("-Dquarkus.management.port=" + freePort());
        command.addAll(List.of(options));
        command.add("-jar");
        command.add(APP.resolve("quarkus-run.jar").toString());
        return command;
    }

    /**
     * HTTP/1.1: with the default (HTTP/2 by upgrade), a connection pooled from a service that was
     * killed and restarted on the same port fails as "closed by HTTP/2 peer" instead of reconnecting.
     */
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();

    /** A request to the service on {@code port}, with {@code key} as its bearer key. */
    static java.net.http.HttpRequest.Builder request(int port, String path, String key) {
        return java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + key)
                .timeout(java.time.Duration.ofSeconds(30));
    }

    /** Waits until the service on {@code port} answers {@code GET /v1/agents} with 200, at most 60 s. */
    static void awaitUp(int port, String key) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(
                                        request(port, "/v1/agents", key).build(),
                                        java.net.http.HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet, or a connection to the instance before a restart
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the service did not answer within 60 s");
    }
}
