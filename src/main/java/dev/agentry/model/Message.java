package dev.agentry.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** One entry of the conversation a model sees after the instructions. */
public sealed interface Message permits Message.User, Message.Assistant, Message.ToolOutput {

    /** What the caller asked, as text (JSON input is passed as its JSON text). */
    record User(String text) implements Message {
        public User {
            requireNonNull(text, "text");
        }
    }

    /** A model reply: text, tool requests, or both. */
    record Assistant(String text, List<ToolRequest> toolRequests) implements Message {
        public Assistant {
            toolRequests = List.copyOf(toolRequests);
        }
    }

    /** The result of one tool request, as the text the model reads. */
    record ToolOutput(String requestId, String name, String content) implements Message {
        public ToolOutput {
            requireNonNull(requestId, "requestId");
            requireNonNull(name, "name");
            requireNonNull(content, "content");
        }
    }
}
