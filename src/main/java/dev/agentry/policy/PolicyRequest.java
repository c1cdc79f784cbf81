package dev.agentry.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One tool call about to be made, as policy sees it: the names rules are written against.
 *
 * @param policies the names of the policies the agent is bound by (the global ones are added by the
 *     engine)
 * @param tool the tool's id, {@code toolset.tool}
 * @param toolset the tool's toolset
 * @param arguments the validated arguments, a JSON object
 * @param annotations the tool's hints: {@code read_only}, {@code destructive}, {@code idempotent}
 * @param origin who asks: {@code model}, {@code code} for a call from sandboxed code, or
 *     {@code operator} for a direct call through {@code POST /v1/tools/.../test}
 * @param run what the run has done before this call
 * @param now when the call is decided
 */
public record PolicyRequest(
        String agent,
        List<String> policies,
        String tool,
        String toolset,
        JsonNode arguments,
        Map<String, Boolean> annotations,
        String origin,
        RunFacts run,
        Instant now) {

    public PolicyRequest {
        requireNonNull(agent, "agent");
        policies = List.copyOf(policies);
        requireNonNull(tool, "tool");
        requireNonNull(toolset, "toolset");
        requireNonNull(arguments, "arguments");
        annotations = Map.copyOf(annotations);
        requireNonNull(origin, "origin");
        requireNonNull(run, "run");
        requireNonNull(now, "now");
    }

    /**
     * The run so far.
     *
     * @param trigger how the run started: {@code api}, {@code schedule} or {@code tool-test}
     * @param steps committed steps
     * @param toolCalls tool calls decided so far, from the model and from code
     * @param calls how often each tool was called so far, by tool id
     * @param history the earlier calls in order, each with who made it and what policy decided
     * @param tokens tokens used, input and output
     * @param elapsedMs milliseconds since the run started
     */
    public record RunFacts(
            String id,
            String trigger,
            int steps,
            int toolCalls,
            Map<String, Integer> calls,
            List<PastCall> history,
            long tokens,
            long elapsedMs) {

        /**
         * @param calls and {@code history} are taken as they are: the caller hands over collections
         *     that do not change
         */
        public RunFacts {
            requireNonNull(id, "id");
            requireNonNull(trigger, "trigger");
            requireNonNull(calls, "calls");
            requireNonNull(history, "history");
        }

        /** A run with nothing done yet. */
        public static RunFacts start(String id, String trigger) {
            return new RunFacts(id, trigger, 0, 0, Map.of(), List.of(), 0, 0);
        }
    }

    /** One earlier call of the run: the tool's id, {@code model}/{@code code}/{@code operator}, and the effect. */
    public record PastCall(String tool, String origin, String effect) {}
}
