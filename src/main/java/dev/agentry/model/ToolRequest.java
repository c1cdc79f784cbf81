package dev.agentry.model;

import static java.util.Objects.requireNonNull;

/**
 * A model asking for a function, exactly as it asked: the arguments are raw text because models
 * sometimes send JSON that does not parse, and that must reach the run as a tool error, not a crash.
 */
public record ToolRequest(String id, String name, String arguments) {

    public ToolRequest {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
    }
}
