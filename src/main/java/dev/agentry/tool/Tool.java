package dev.agentry.tool;

/**
 * The port every tool implements. Implementations are thread-safe, honour the context's deadline,
 * and report every failure as a {@link ToolResult}; an exception escaping {@code call} is a bug
 * that the run still turns into a failed result.
 */
public interface Tool {

    ToolSpec spec();

    ToolResult call(ToolCall call, ToolContext context);
}
