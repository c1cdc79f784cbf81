package dev.agentry.tool;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Where a tool call happens: which run and step (for idempotency keys that survive a resume), and
 * the instant by which it must be done.
 */
public record ToolContext(String runId, String agent, int step, Instant deadline) {

    public ToolContext {
        requireNonNull(runId, "runId");
        requireNonNull(agent, "agent");
        requireNonNull(deadline, "deadline");
    }
}
