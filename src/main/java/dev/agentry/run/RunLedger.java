package dev.agentry.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.policy.PolicyRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run has done so far, as policy rules and loop guards read it: each decided call with its
 * origin and effect (calls from code included, as they happen), calls per tool, identical calls,
 * steps and tokens. Shared by the loop thread, concurrent tool calls and the code they run, so every
 * method is synchronized; it is small and rebuilt from the committed steps on resume.
 */
final class RunLedger {

    private final String runId;
    private final String trigger;
    private final Instant startedAt;
    /**
     * The calls decided so far in {@code history[0, decided)}. Entries below {@code decided} never
     * change, and a full array is replaced rather than written, so a snapshot is a view of the array
     * as it was: taken in constant time and never changing after.
     */
    private PolicyRequest.PastCall[] history = new PolicyRequest.PastCall[16];

    private int decided;
    /** Calls per tool id; replaced, never changed, when a call is decided. */
    private ToolCounts calls;
    /** Allowed calls by tool id and canonical arguments. */
    private final Map<CallKey, Integer> identical = new HashMap<>();

    private int steps;
    private int toolSteps;
    private int codeCalls;
    private long tokens;

    /**
     * @param tools the ids of the agent's tools, counted from 0, so a rule can write
     *     {@code run.calls["crm.create_task"] >= 5} before the first call
     */
    RunLedger(String runId, String trigger, Instant startedAt, Collection<String> tools) {
        this.runId = runId;
        this.trigger = trigger;
        this.startedAt = startedAt;
        calls = ToolCounts.zero(tools);
    }

    synchronized PolicyRequest.RunFacts facts(Instant now) {
        long elapsed = Math.max(0, Duration.between(startedAt, now).toMillis());
        List<PolicyRequest.PastCall> past =
                java.util.Collections.unmodifiableList(Arrays.asList(history).subList(0, decided));
        return new PolicyRequest.RunFacts(runId, trigger, steps, decided, calls, past, tokens, elapsed);
    }

    /** How often a call with this {@link #key} was already allowed. */
    synchronized int identicalCalls(CallKey key) {
        return identical.getOrDefault(key, 0);
    }

    /** A call was decided; an allowed one counts towards the identical-call guard. */
    synchronized void decided(String tool, CallKey key, String origin, String effect) {
        if (decided == history.length) {
            history = Arrays.copyOf(history, decided * 2);
        }
        history[decided++] = new PolicyRequest.PastCall(tool, origin, effect);
        if (origin.equals("code")) {
            codeCalls++;
        }
        calls = calls.plusOne(tool);
        if (effect.equals("allow")) {
            identical.merge(key, 1, Integer::sum);
        }
    }

    synchronized void stepCommitted(long stepTokens, boolean toolStep) {
        steps++;
        tokens += stepTokens;
        if (toolStep) {
            toolSteps++;
        }
    }

    /** Calls made from code so far (they are not steps of their own). */
    synchronized int codeCalls() {
        return codeCalls;
    }

    /** Tool calls so far, as {@code limits.max-tool-calls} counts them: tool steps and calls from code. */
    synchronized int callsMade() {
        return toolSteps + codeCalls;
    }

    /**
     * What the identical-call guard counts: a tool and its arguments, equal for equal JSON whatever
     * the order of fields (Jackson compares object nodes by content; {@code 5} and {@code "5"}, or
     * {@code 1.5} and {@code 15}, stay distinct). The arguments are the call's own, which nothing
     * changes once it is decided.
     */
    record CallKey(String tool, JsonNode arguments) {}

    static CallKey key(String tool, JsonNode arguments) {
        return new CallKey(tool, arguments);
    }
}
