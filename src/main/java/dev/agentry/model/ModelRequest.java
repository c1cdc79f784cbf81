package dev.agentry.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Everything one model call needs: instructions, the conversation so far, and the functions on offer. */
public record ModelRequest(String instructions, List<Message> messages, List<FunctionSpec> functions) {

    public ModelRequest {
        requireNonNull(instructions, "instructions");
        messages = List.copyOf(messages);
        functions = List.copyOf(functions);
    }
}
