package dev.agentry.tool;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a tool call ended. Failures are data, handed back to the model as text so it can correct
 * itself; they never end the run by themselves.
 */
public sealed interface ToolResult permits ToolResult.Success, ToolResult.Failure, ToolResult.Refused {

    /** {@code ok}, {@code error} or {@code refused}, as runs report it. */
    String status();

    /** The text the model reads as the tool's answer. */
    String modelText();

    static ToolResult success(JsonNode value) {
        return new Success(value);
    }

    static ToolResult failed(String message) {
        return new Failure(message);
    }

    static ToolResult refused(String reason) {
        return new Refused(reason);
    }

    record Success(JsonNode value) implements ToolResult {
        public Success {
            requireNonNull(value, "value");
        }

        @Override
        public String status() {
            return "ok";
        }

        @Override
        public String modelText() {
            return value.isTextual() ? value.asText() : JsonText.compact(value);
        }
    }

    record Failure(String message) implements ToolResult {
        public Failure {
            requireNonNull(message, "message");
        }

        @Override
        public String status() {
            return "error";
        }

        @Override
        public String modelText() {
            return "error: " + message;
        }
    }

    record Refused(String reason) implements ToolResult {
        public Refused {
            requireNonNull(reason, "reason");
        }

        @Override
        public String status() {
            return "refused";
        }

        @Override
        public String modelText() {
            return "refused by policy: " + reason;
        }
    }
}
