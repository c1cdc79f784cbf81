package dev.agentry.sandbox.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentry.sandbox.worker.guest.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the operating system adds around a real worker, read from the worker's own process: a network
 * namespace that is not the service's, and resource limits. On a machine that does not allow them the
 * test says what it skipped and why.
 */
class WorkerConfinementTest {

    private static final WorkerLauncher LAUNCHER = WorkerLauncher.locate(Optional.empty(), List.of());
    private static final Confinement CONFINEMENT = LAUNCHER.confinement();

    private static WorkerProcess worker() throws Exception {
        return WorkerProcess.start(LAUNCHER, WorkerLauncher.Kind.INTERPRETER, 128L << 20, Duration.ofSeconds(60));
    }

    @Test
    void a_worker_runs_as_another_account_than_the_services() throws Exception {
        assumeTrue(
                CONFINEMENT.account() != null,
                "skipped: workers run as the service's account here (" + CONFINEMENT.describe() + ")");
        try (WorkerProcess worker = worker()) {
            List<String> own = uids(worker.pid());
            List<String> service = uids(ProcessHandle.current().pid());

            assertThat(own)
                    .as("real, effective, saved and file-system uid")
                    .containsOnly(String.valueOf(CONFINEMENT.account().uid()));
            assertThat(own).doesNotContainAnyElementsOf(service);
            assertThat(works(worker))
                    .as("the worker still runs code over its socket")
                    .isTrue();
        }
        assumeTrue(LAUNCHER.canOptimize(), "the optimizing compiler is not laid out here");
        try (WorkerProcess optimizing =
                WorkerProcess.start(LAUNCHER, WorkerLauncher.Kind.OPTIMIZING, 256L << 20, Duration.ofSeconds(90))) {
            assertThat(optimizing.ready().implementation())
                    .as("Truffle's optimizing runtime unpacks its library into the worker's own folder")
                    .isEqualTo("GraalVM CE");
        }
    }

    /**
     * What a worker's account may do, tried with the shell rather than guest code: GraalVM already
     * keeps guest code from files and sockets, and this is the boundary left when it does not.
     */
    @Test
    void what_escaped_a_worker_can_neither_write_the_asset_folders_nor_connect_out() throws Exception {
        assumeTrue(
                CONFINEMENT.account() != null || CONFINEMENT.network(),
                "skipped: this machine gives workers neither another account nor a network namespace ("
                        + CONFINEMENT.describe() + ")");
        try (var listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String connect = "exec 3<>/dev/tcp/127.0.0.1/" + listener.getLocalPort();
            assertThat(exitOf(List.of("bash", "-c", connect), Confinement.NONE))
                    .as("the same command outside the confinement connects")
                    .isZero();
            if (CONFINEMENT.network()) {
                assertThat(exitOf(List.of("bash", "-c", connect), CONFINEMENT)).isNotZero();
            }
        }
        if (CONFINEMENT.account() != null) {
            Path agents = Path.of("agents").toAbsolutePath();
            assertThat(Files.isWritable(agents))
                    .as("the service can write its asset folder")
                    .isTrue();
            assertThat(exitOf(List.of("test", "-w", agents.toString()), CONFINEMENT))
                    .as("a worker's account cannot")
                    .isNotZero();
            assertThat(exitOf(List.of("test", "-r", agents.toString()), CONFINEMENT))
                    .as("the check itself runs: the folder is readable to everyone here")
                    .isZero();
        }
    }

    private static int exitOf(List<String> command, Confinement confinement) throws Exception {
        Process process = new ProcessBuilder(confinement.wrap(command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    private static List<String> uids(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(line -> line.startsWith("Uid:"))
                .flatMap(line ->
                        java.util.Arrays.stream(line.substring(4).strip().split("\\s+")))
                .toList();
    }

    @Test
    void a_worker_has_a_network_namespace_of_its_own() throws Exception {
        assumeTrue(
                CONFINEMENT.network(),
                "skipped: this machine does not permit network namespaces (" + CONFINEMENT.describe() + ")");
        try (WorkerProcess worker = worker()) {
            Path own = Files.readSymbolicLink(Path.of("/proc", String.valueOf(worker.pid()), "ns", "net"));
            Path service = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));

            assertThat(own).isNotEqualTo(service);
            // Only a loopback, and it is down: nothing the worker opens can leave it.
            assertThat(Files.readAllLines(Path.of("/proc", String.valueOf(worker.pid()), "net", "dev")))
                    .filteredOn(line -> line.contains(":"))
                    .extracting(line -> line.strip().split(":")[0])
                    .containsExactly("lo");
            assertThat(works(worker))
                    .as("the worker still runs code over its socket")
                    .isTrue();
        }
    }

    @Test
    void a_worker_runs_under_resource_limits() throws Exception {
        assumeTrue(CONFINEMENT.limits(), "skipped: prlimit is not available here (" + CONFINEMENT.describe() + ")");
        try (WorkerProcess worker = worker()) {
            List<String> limits = Files.readAllLines(Path.of("/proc", String.valueOf(worker.pid()), "limits"));

            assertThat(limits)
                    .anyMatch(line -> line.startsWith("Max open files") && line.contains(" 1024 "))
                    .anyMatch(line -> line.startsWith("Max core file size") && line.matches(".*\\s0\\s+0\\s.*"))
                    .anyMatch(line -> line.startsWith("Max processes") && line.contains(" 4096 "))
                    .anyMatch(line -> line.startsWith("Max address space")
                            && line.contains(" " + ((128L << 20) + Confinement.ADDRESS_SPACE_BEYOND_HEAP) + " "));
        }
    }

    private static boolean works(WorkerProcess worker) {
        Protocol.Result result = worker.execute(
                new Protocol.Execute(1, "6 * 7", "null", "[]", 10_000, 10_000_000, 10_000, 10, 10_000, 64L << 20),
                (tool, arguments) -> "{}",
                Duration.ofSeconds(20));
        return "completed".equals(result.outcome()) && "42".equals(result.value());
    }
}
