package dev.agentry.tool;

import dev.agentry.AgentryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The tools of each toolset, built once per definition, each toolset on its own: a build that hangs
 * (an MCP server that never answers, a document that never arrives) holds up only the callers that
 * need that toolset, and only until {@code limit}. A failed build is remembered and answered at once
 * until its retry is due, after a backoff that doubles from {@code firstRetry} up to {@code lastRetry};
 * a changed definition (its file edited) is built afresh at once.
 */
final class ToolsetBuilds {

    private final Clock clock;
    private final Duration limit;
    private final Duration firstRetry;
    private final Duration lastRetry;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    /**
     * Where one toolset stands: the build of {@code definition}, under way or done.
     *
     * @param failuresBefore failed builds of this definition in a row before this one
     * @param failedAt when this build failed; empty while it runs or when it succeeded
     */
    private record Slot(
            ToolsetDefinition definition,
            CompletableFuture<List<Tool>> build,
            int failuresBefore,
            AtomicReference<Instant> failedAt) {}

    ToolsetBuilds(Clock clock, Duration limit, Duration firstRetry, Duration lastRetry) {
        this.clock = clock;
        this.limit = limit;
        this.firstRetry = firstRetry;
        this.lastRetry = lastRetry;
    }

    /**
     * The tools of {@code definition}, built by {@code build} unless they are built, being built, or
     * failed recently.
     *
     * @throws AgentryException.Unavailable when the build failed, now or within the backoff, or takes
     *     longer than the limit (it goes on, and its result is kept for the next caller)
     */
    List<Tool> tools(ToolsetDefinition definition, Supplier<List<Tool>> build) {
        Slot slot = slots.compute(definition.name(), (name, current) -> next(current, definition, build));
        try {
            return slot.build().get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            String waited = limit.toMillis() < 1000 ? limit.toMillis() + " ms" : limit.toSeconds() + " s";
            throw new AgentryException.Unavailable("toolset '" + definition.name() + "' is still being set up after "
                    + waited + "; it goes on in the background, try again shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentryException.Unavailable("interrupted while toolset '" + definition.name() + "' was set up");
        } catch (ExecutionException e) {
            throw failure(definition, slot, e.getCause());
        }
    }

    private Slot next(Slot current, ToolsetDefinition definition, Supplier<List<Tool>> build) {
        if (current == null || current.definition() != definition) {
            return start(definition, build, 0);
        }
        Instant failedAt = current.failedAt().get();
        if (failedAt == null || clock.instant().isBefore(retryAt(current, failedAt))) {
            return current;
        }
        return start(definition, build, current.failuresBefore() + 1);
    }

    /** Starts a build on a thread of its own, so that a caller can give up waiting without stopping it. */
    private Slot start(ToolsetDefinition definition, Supplier<List<Tool>> build, int failuresBefore) {
        CompletableFuture<List<Tool>> future = new CompletableFuture<>();
        AtomicReference<Instant> failedAt = new AtomicReference<>();
        Thread.ofVirtual().name("toolset-build-" + definition.name()).start(() -> {
            try {
                future.complete(List.copyOf(build.get()));
            } catch (RuntimeException e) {
                failedAt.set(clock.instant());
                future.completeExceptionally(e);
            }
        });
        return new Slot(definition, future, failuresBefore, failedAt);
    }

    private Instant retryAt(Slot slot, Instant failedAt) {
        return failedAt.plus(backoff(slot.failuresBefore()));
    }

    /** How long after a build that fails it may be tried again: doubling, from the first to the last retry. */
    private Duration backoff(int failuresBefore) {
        Duration wait = firstRetry;
        for (int i = 0; i < failuresBefore && wait.compareTo(lastRetry) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(lastRetry) > 0 ? lastRetry : wait;
    }

    private AgentryException failure(ToolsetDefinition definition, Slot slot, Throwable cause) {
        if (cause instanceof AgentryException.InvalidInput invalid) {
            return invalid;
        }
        Instant failedAt = slot.failedAt().get();
        long seconds = failedAt == null
                ? 0
                : Math.max(
                        0,
                        Duration.between(clock.instant(), retryAt(slot, failedAt))
                                .toSeconds());
        int tries = slot.failuresBefore() + 1;
        String message = cause instanceof AgentryException
                ? cause.getMessage()
                : "toolset '" + definition.name() + "' could not be set up: " + cause.getMessage();
        return new AgentryException.Unavailable(message + " (failed " + tries + (tries == 1 ? " time" : " times")
                + " in a row; tried again in " + seconds + " s, or at once when tools/" + definition.name()
                + ".yaml changes)");
    }
}
