package dev.agentry.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentry.AgentryException;
import dev.agentry.fixtures.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Toolsets built each on its own, with a limit on waiting and a remembered failure. */
class ToolsetBuildsTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-05-15T12:00:00Z"));
    private final ToolsetBuilds builds =
            new ToolsetBuilds(clock, Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(30));
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHungBuilds() {
        release.countDown();
    }

    private static ToolsetDefinition toolset(String name) {
        return new ToolsetDefinition.Mcp(
                name, "", List.of("mcp-server"), null, null, null, null, Duration.ofSeconds(5), List.of("*"), null);
    }

    private Supplier<List<Tool>> hangs() {
        return () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        };
    }

    private static Supplier<List<Tool>> fails(AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            throw new AgentryException.Unavailable("MCP toolset 'notes' could not connect to its command [x]");
        };
    }

    @Test
    void a_toolset_that_hangs_holds_up_no_other() throws Exception {
        ToolsetDefinition stuck = toolset("stuck");
        ToolsetDefinition fine = toolset("fine");
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Throwable> waiting = threads.submit(() -> {
                try {
                    builds.tools(stuck, hangs());
                    return null;
                } catch (AgentryException e) {
                    return e;
                }
            });
            Thread.sleep(50);
            long t0 = System.nanoTime();

            assertThat(builds.tools(fine, List::of)).isEmpty();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(400);
            assertThat(waiting.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(AgentryException.Unavailable.class)
                    .hasMessage("toolset 'stuck' is still being set up after 500 ms; it goes on in the background,"
                            + " try again shortly");
        }
    }

    @Test
    void a_build_that_finishes_late_is_kept_for_the_next_caller() {
        ToolsetDefinition slow = toolset("slow");
        AtomicInteger builds = new AtomicInteger();
        Supplier<List<Tool>> build = () -> {
            builds.incrementAndGet();
            hangs().get();
            return List.of();
        };
        assertThatThrownBy(() -> this.builds.tools(slow, build)).isInstanceOf(AgentryException.Unavailable.class);

        release.countDown();

        assertThat(this.builds.tools(slow, build)).isEmpty();
        assertThat(builds).hasValue(1);
    }

    @Test
    void a_failure_is_remembered_and_retried_after_a_doubling_backoff() {
        ToolsetDefinition notes = toolset("notes");
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> builds.tools(notes, fails(calls)))
                .hasMessage("MCP toolset 'notes' could not connect to its command [x] (failed 1 time in a row;"
                        + " tried again in 5 s, or at once when tools/notes.yaml changes)");
        assertThatThrownBy(() -> builds.tools(notes, fails(calls))).isInstanceOf(AgentryException.Unavailable.class);
        assertThat(calls).hasValue(1);

        clock.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> builds.tools(notes, fails(calls)))
                .hasMessageEndingWith("(failed 2 times in a row; tried again in 10 s, or at once when"
                        + " tools/notes.yaml changes)");
        assertThat(calls).hasValue(2);

        clock.advance(Duration.ofSeconds(9));
        assertThatThrownBy(() -> builds.tools(notes, fails(calls))).isInstanceOf(AgentryException.Unavailable.class);
        assertThat(calls).hasValue(2);

        clock.advance(Duration.ofSeconds(1));
        assertThat(builds.tools(notes, List::of)).isEmpty();
        assertThat(calls).hasValue(2);
    }

    @Test
    void a_changed_file_is_built_at_once() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> builds.tools(toolset("notes"), fails(calls)))
                .isInstanceOf(AgentryException.Unavailable.class);

        assertThat(builds.tools(toolset("notes"), List::of)).isEmpty();
        assertThat(calls).hasValue(1);
    }

    @Test
    void the_backoff_stops_doubling_at_its_last_retry() {
        ToolsetDefinition notes = toolset("notes");
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(() -> builds.tools(notes, fails(calls))).isInstanceOf(AgentryException.class);
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(calls).hasValue(6);
        assertThatThrownBy(() -> builds.tools(notes, fails(calls))).hasMessageContaining("tried again in 30 s");
    }
}
