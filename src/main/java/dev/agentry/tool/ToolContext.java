package dev.agentry.tool;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Where a tool call happens: which run and step (for idempotency keys that survive a resume), the
 * instant by which it must be done, the sandbox profile the agent runs code under, and how to reach
 * the agent's other tools.
 */
public record ToolContext(String runId, String agent, int step, Instant deadline, String sandbox, ToolInvoker tools) {

    public ToolContext {
        requireNonNull(runId, "runId");
        requireNonNull(agent, "agent");
        requireNonNull(deadline, "deadline");
        requireNonNull(sandbox, "sandbox");
        requireNonNull(tools, "tools");
    }
}
