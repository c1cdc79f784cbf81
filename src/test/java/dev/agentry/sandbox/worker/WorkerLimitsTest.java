package dev.agentry.sandbox.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.sandbox.ToolBridge;
import dev.agentry.sandbox.worker.guest.Protocol;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The service enforces an execution's limits itself: a worker that ignores them is neither obeyed nor reused. */
class WorkerLimitsTest {

    @Test
    void a_worker_that_ignores_its_limits_gets_no_extra_calls_and_is_not_reused() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        AtomicInteger made = new AtomicInteger();
        ToolBridge tools = (tool, arguments) -> {
            made.incrementAndGet();
            return "{\"result\": []}";
        };
        try (WorkerProcess worker = WorkerProcess.start(
                (socket, crashLog) -> List.of(java, "-cp", classpath, LyingWorker.class.getName(), socket.toString()),
                // The test classpath is in the build's own folders, which only the service's account reads.
                Confinement.machine(),
                Duration.ofSeconds(30))) {

            Protocol.Result result = worker.execute(
                    new Protocol.Execute(1, "1", "null", "[]", 5_000, 1_000_000, 100, 3, 100, 64L << 20),
                    tools,
                    Duration.ofSeconds(10));

            assertThat(made).as("tool calls the service made").hasValue(3);
            assertThat(result.healthy()).isFalse();
            assertThat(result.outcome()).isEqualTo("error");
            assertThat(result.value())
                    .startsWith("the sandbox worker broke its limits (")
                    .endsWith("); it was replaced");
            assertThat(result.stdout().length() + result.stderr().length()).isLessThanOrEqualTo(100);
        }
    }
}
