package dev.agentry.sandbox.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.sandbox.worker.guest.Protocol;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's life before it is ready: the service may go away while the worker still warms up. */
class WorkerStartTest {

    @Test
    void a_worker_still_warming_up_leaves_as_soon_as_the_service_goes_away(@TempDir Path home) throws Exception {
        WorkerLauncher launcher = WorkerLauncher.locate(Optional.empty(), List.of());
        Path socketPath = home.resolve("worker.sock");
        Process worker;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socketPath));
            worker = new ProcessBuilder(launcher.command(
                            WorkerLauncher.Kind.INTERPRETER, 128L << 20, socketPath, home.resolve("crash.log")))
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("worker.log").toFile())
                    .start();
            try (SocketChannel socket = server.accept()) {
                // The service's side of the connection ends; the worker has not said it is ready yet.
                socket.shutdownOutput();
                InputStream fromWorker = Channels.newInputStream(socket);

                assertThat(fromWorker.read())
                        .as("the worker ends without finishing its warm-up and saying it is ready")
                        .isEqualTo(-1);
            } finally {
                boolean exited = worker.waitFor(60, TimeUnit.SECONDS);
                if (!exited) {
                    worker.destroyForcibly();
                }
                assertThat(exited).isTrue();
            }
        }
    }

    @Test
    void a_worker_busy_with_endless_code_leaves_as_soon_as_the_pipe_from_the_service_closes(@TempDir Path home)
            throws Exception {
        WorkerLauncher launcher = WorkerLauncher.locate(Optional.empty(), List.of());
        Path socketPath = home.resolve("worker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socketPath));
            Process worker = new ProcessBuilder(launcher.command(
                            WorkerLauncher.Kind.INTERPRETER, 128L << 20, socketPath, home.resolve("crash.log")))
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("worker.log").toFile())
                    .start();
            try (SocketChannel socket = server.accept()) {
                DataInputStream in = new DataInputStream(Channels.newInputStream(socket));
                DataOutputStream out = new DataOutputStream(Channels.newOutputStream(socket));
                assertThat(Protocol.read(in)).isInstanceOf(Protocol.Ready.class);
                Protocol.write(
                        out,
                        new Protocol.Execute(
                                1, "while (true) {}", null, "[]", 600_000, Long.MAX_VALUE, 1_024, 0, 1_024, 64L << 20));

                // The socket stays open, as it would while the kernel tears a dead service down; the
                // pipe to the worker's stdin is what a service that exits closes first.
                worker.getOutputStream().close();

                assertThat(worker.waitFor(30, TimeUnit.SECONDS))
                        .as("the worker exits long before its execution's ten-minute deadline")
                        .isTrue();
            } finally {
                worker.destroyForcibly();
            }
        }
    }

    @Test
    void a_worker_sees_none_of_the_services_environment_and_works_in_a_private_folder() throws Exception {
        Path proc = Path.of("/proc/self/environ");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.isReadable(proc), "needs Linux /proc to read a process's environment");
        WorkerLauncher launcher = WorkerLauncher.locate(Optional.empty(), List.of());
        try (WorkerProcess worker = WorkerProcess.start(
                launcher, WorkerLauncher.Kind.QUICK, 384L << 20, java.time.Duration.ofSeconds(90))) {
            String environ = java.nio.file.Files.readString(Path.of("/proc/" + worker.pid() + "/environ"));
            List<String> names = java.util.Arrays.stream(environ.split("\0"))
                    .filter(entry -> !entry.isEmpty())
                    .map(entry -> entry.substring(0, entry.indexOf('=')))
                    .toList();
            Path cwd = Path.of("/proc/" + worker.pid() + "/cwd").toRealPath();

            assertThat(System.getenv())
                    .as("the service side has an environment to leak")
                    .containsKey("PATH");
            assertThat(names).isSubsetOf(WorkerLauncher.PASSED_ENVIRONMENT).doesNotContain("PATH");
            assertThat(cwd)
                    .isEqualTo(worker.home().toRealPath())
                    .isNotEqualTo(Path.of("").toRealPath());
        }
    }

    @Test
    void interpreter_and_quick_workers_start_from_the_aot_cache_the_build_trained() throws Exception {
        WorkerLauncher launcher = WorkerLauncher.locate(Optional.empty(), List.of());
        assertThat(launcher.hasCache())
                .as("the build wrote " + WorkerLauncher.CACHE)
                .isTrue();
        assertThat(launcher.command(WorkerLauncher.Kind.INTERPRETER, 384L << 20, Path.of("s"), Path.of("c")))
                .contains("-XX:AOTCache=" + launcher.dir().resolve(WorkerLauncher.CACHE));
        assertThat(launcher.command(WorkerLauncher.Kind.OPTIMIZING, 384L << 20, Path.of("s"), Path.of("c")))
                .as("the JDK refuses an AOT cache beside --upgrade-module-path")
                .noneMatch(option -> option.startsWith("-XX:AOTCache"));
        assertThat(launcher.command(WorkerLauncher.Kind.QUICK, 384L << 20, Path.of("s"), Path.of("c")))
                .contains("-XX:AOTCache=" + launcher.dir().resolve(WorkerLauncher.CACHE), "-XX:TieredStopAtLevel=1");
        assertThat(launcher.command(WorkerLauncher.Kind.INTERPRETER, 384L << 20, Path.of("s"), Path.of("c")))
                .as("a worker that runs the interpreter for good keeps the JVM's optimizing compiler")
                .doesNotContain("-XX:TieredStopAtLevel=1");

        try (WorkerProcess worker = WorkerProcess.start(
                launcher, WorkerLauncher.Kind.QUICK, 384L << 20, java.time.Duration.ofSeconds(90))) {
            assertThat(worker.ready().implementation()).isEqualTo("Interpreted");
            assertThat(worker.logMentions("[aot]"))
                    .as(
                            "the JVM reported no problem with the cache (it prints [error][aot] lines when it cannot map it)")
                    .isFalse();
        }
    }
}
