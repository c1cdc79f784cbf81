package dev.agentry.sandbox;

/**
 * How code reaches tools: the sandbox hands each call over as the tool's id and its arguments as
 * JSON text, and passes back {@code {"result": ...}} or {@code {"error": "..."}}. Implementations
 * route the call through the same checks as a model's tool call.
 */
@FunctionalInterface
public interface ToolBridge {

    String call(String tool, String arguments);
}
