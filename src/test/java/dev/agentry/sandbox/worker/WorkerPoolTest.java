package dev.agentry.sandbox.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.sandbox.ExecutionResult;
import dev.agentry.sandbox.SandboxProfile;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a pool replaces workers: one that served its quota, and a new pool's quick worker, serve until
 * their successor is warm.
 */
class WorkerPoolTest {

    private final WorkerSandbox sandbox = Sandboxes.start();

    @AfterEach
    void stop() {
        sandbox.stop(null);
    }

    @Test
    void a_worker_past_its_quota_serves_until_its_successor_is_ready_then_leaves() throws Exception {
        SandboxProfile profile = Sandboxes.profile("quota", Duration.ofSeconds(10), 100_000_000L, 1, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(Sandboxes.run(sandbox, profile, "6 * 7")).isInstanceOf(ExecutionResult.Completed.class);
        }
        WorkerPool pool = sandbox.pool(profile);

        ExecutionResult beyondQuota = Sandboxes.run(sandbox, profile, "6 * 7");

        assertThat(beyondQuota).isInstanceOf(ExecutionResult.Completed.class);
        assertThat(pool.startedWorkers())
                .as("the fourth execution ran on the old worker while its successor was still starting")
                .isEqualTo(1);
        long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while ((pool.startedWorkers() < 2 || pool.idleWorkers() != 1) && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(pool.startedWorkers()).isEqualTo(2);
        assertThat(pool.idleWorkers())
                .as("the old worker left once the new one was warm")
                .isEqualTo(1);
        assertThat(Sandboxes.run(sandbox, profile, "6 * 7")).isInstanceOf(ExecutionResult.Completed.class);
    }

    @Test
    void a_new_pool_serves_from_a_quick_interpreter_worker_until_its_optimizing_worker_is_warm() throws Exception {
        WorkerSandbox quick = Sandboxes.start(true);
        try {
            SandboxProfile profile = Sandboxes.profile("tiers", Duration.ofSeconds(10), 100_000_000L, 1);

            ExecutionResult first = Sandboxes.run(quick, profile, "6 * 7");

            assertThat(first).isInstanceOf(ExecutionResult.Completed.class);
            WorkerPool pool = quick.pool(profile);
            assertThat(pool.implementations())
                    .as("the quick worker served the first execution; the optimizing one starts after it")
                    .contains("Interpreted");
            long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!pool.implementations().equals(java.util.List.of("GraalVM CE")) && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(pool.implementations())
                    .as("the quick worker left once the optimizing one was warm")
                    .containsExactly("GraalVM CE");
            assertThat(pool.startedWorkers()).isEqualTo(2);
            assertThat(Sandboxes.run(quick, profile, "6 * 7")).isInstanceOf(ExecutionResult.Completed.class);
        } finally {
            quick.stop(null);
        }
    }
}
