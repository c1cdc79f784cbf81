package dev.agentry.sandbox;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/** How an execution ended. Every case carries what the code printed and how long it ran. */
public sealed interface ExecutionResult
        permits ExecutionResult.Completed, ExecutionResult.Failed, ExecutionResult.Stopped {

    String stdout();

    String stderr();

    long durationMs();

    /** The code finished; {@code value} is its result as JSON. */
    record Completed(JsonNode value, String stdout, String stderr, long durationMs) implements ExecutionResult {
        public Completed {
            requireNonNull(value, "value");
        }
    }

    /** The code threw, or the sandbox could not run it; {@code error} says which and why. */
    record Failed(String error, String stdout, String stderr, long durationMs) implements ExecutionResult {
        public Failed {
            requireNonNull(error, "error");
        }
    }

    /**
     * A limit stopped the code.
     *
     * @param limit {@code timeout}, {@code statements}, {@code memory}, {@code output},
     *     {@code tool-calls} or {@code result}
     */
    record Stopped(String limit, String message, String stdout, String stderr, long durationMs)
            implements ExecutionResult {
        public Stopped {
            requireNonNull(limit, "limit");
            requireNonNull(message, "message");
        }
    }
}
