package dev.agentry.agent;

import dev.agentry.asset.FieldException;
import java.time.Duration;

/**
 * What one run of an agent may consume before it is stopped and failed.
 *
 * @param maxSteps model calls per run (each reply and the tool calls it asks for make one step)
 * @param maxToolCalls tool calls per run, across all steps
 * @param timeout wall-clock time per run, from start to final answer
 * @param maxTokens input plus output tokens per run; null for no cap
 * @param maxIdenticalCalls how often one tool may be called with the same arguments in one run; a
 *     further identical call is refused (a loop guard)
 * @param maxCost USD per run, at the price configured for the agent's model; null for no cap
 */
public record Limits(
        Integer maxSteps,
        Integer maxToolCalls,
        Duration timeout,
        Long maxTokens,
        Integer maxIdenticalCalls,
        Double maxCost) {

    public static final int DEFAULT_MAX_STEPS = 20;
    public static final int DEFAULT_MAX_TOOL_CALLS = 50;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_IDENTICAL_CALLS = 3;
    public static final Limits DEFAULT = new Limits(null, null, null, null, null, null);

    public Limits {
        maxSteps = maxSteps == null ? DEFAULT_MAX_STEPS : maxSteps;
        maxToolCalls = maxToolCalls == null ? DEFAULT_MAX_TOOL_CALLS : maxToolCalls;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        maxIdenticalCalls = maxIdenticalCalls == null ? DEFAULT_MAX_IDENTICAL_CALLS : maxIdenticalCalls;
        if (maxCost != null && !(maxCost > 0)) {
            throw new FieldException("max-cost", "must be more than 0 (USD per run), got " + maxCost);
        }
        if (maxIdenticalCalls < 1) {
            throw new FieldException("max-identical-calls", "must be at least 1, got " + maxIdenticalCalls);
        }
        if (maxSteps < 1) {
            throw new FieldException("max-steps", "must be at least 1, got " + maxSteps);
        }
        if (maxToolCalls < 0) {
            throw new FieldException("max-tool-calls", "must be 0 or more, got " + maxToolCalls);
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new FieldException("timeout", "must be longer than zero, such as 5m");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new FieldException("max-tokens", "must be at least 1, got " + maxTokens);
        }
    }

    /** The limits with the default for identical calls. */
    public Limits(Integer maxSteps, Integer maxToolCalls, Duration timeout, Long maxTokens) {
        this(maxSteps, maxToolCalls, timeout, maxTokens, null, null);
    }
}
