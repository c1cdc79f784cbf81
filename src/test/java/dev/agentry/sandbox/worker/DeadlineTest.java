package dev.agentry.sandbox.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.sandbox.CodeExecution;
import dev.agentry.sandbox.ExecutionResult;
import dev.agentry.sandbox.SandboxProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker's deadline thread sleeps until the current execution's deadline; an execution that must end
 * sooner than the one before it (a run with little time left) has to wake it.
 */
class DeadlineTest {

    private final WorkerSandbox sandbox = Sandboxes.start();

    @AfterEach
    void stop() {
        sandbox.stop(null);
    }

    @Test
    void an_execution_with_less_time_than_the_last_is_stopped_by_its_worker_at_its_own_deadline() {
        SandboxProfile profile = Sandboxes.profile("deadline", Duration.ofSeconds(30), Long.MAX_VALUE, 1);
        assertThat(Sandboxes.run(sandbox, profile, "6 * 7")).isInstanceOf(ExecutionResult.Completed.class);

        ExecutionResult forever = sandbox.execute(
                profile,
                new CodeExecution(
                        "tester",
                        "while (true) {}",
                        null,
                        List.of(),
                        Instant.now().plusMillis(300)),
                (tool, arguments) -> "{\"error\":\"no tools\"}");

        assertThat(forever).isInstanceOfSatisfying(ExecutionResult.Stopped.class, stopped -> {
            assertThat(stopped.limit()).isEqualTo("timeout");
            assertThat(stopped.message())
                    .as("the worker stopped the code itself, rather than the service killing the worker 500 ms later")
                    .startsWith("stopped: the code ran longer than");
        });
        assertThat(Sandboxes.run(sandbox, profile, "6 * 7")).isInstanceOf(ExecutionResult.Completed.class);
        assertThat(sandbox.pool(profile).startedWorkers())
                .as("the worker survived")
                .isEqualTo(1);
    }
}
