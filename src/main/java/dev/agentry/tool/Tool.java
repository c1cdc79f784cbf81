package dev.agentry.tool;

/**
 * The port every tool implements. Implementations are thread-safe, honour the context's deadline,
 * and report every failure as a {@link ToolResult}; an exception escaping {@code call} is a bug
 * that the run still turns into a failed result.
 */
public interface Tool {

    ToolSpec spec();

    ToolResult call(ToolCall call, ToolContext context);

    /**
     * Whether each request carries an idempotency key derived from the run, step and call, so that the
     * API it reaches recognises a call sent again and does not repeat its effect.
     */
    default boolean sendsIdempotencyKey() {
        return false;
    }
}
