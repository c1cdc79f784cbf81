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

    private static WorkerProcess worker() throws Exception {
        return WorkerProcess.start(
                WorkerLauncher.locate(Optional.empty(), List.of()),
                WorkerLauncher.Kind.INTERPRETER,
                128L << 20,
                Duration.ofSeconds(60));
    }

    @Test
    void a_worker_has_a_network_namespace_of_its_own() throws Exception {
        assumeTrue(
                WorkerLauncher.CONFINEMENT.network(),
                "skipped: this machine does not permit network namespaces (" + WorkerLauncher.CONFINEMENT.describe()
                        + ")");
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
        assumeTrue(
                WorkerLauncher.CONFINEMENT.limits(),
                "skipped: prlimit is not available here (" + WorkerLauncher.CONFINEMENT.describe() + ")");
        try (WorkerProcess worker = worker()) {
            List<String> limits = Files.readAllLines(Path.of("/proc", String.valueOf(worker.pid()), "limits"));

            assertThat(limits)
                    .anyMatch(line -> line.startsWith("Max open files") && line.contains(" 1024 "))
                    .anyMatch(line -> line.startsWith("Max core file size") && line.matches(".*\\s0\\s+0\\s.*"));
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
