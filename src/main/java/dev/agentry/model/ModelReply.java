package dev.agentry.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What the model answered: final text, tool requests, or both. */
public record ModelReply(String text, List<ToolRequest> toolRequests, TokenUsage usage) {

    public ModelReply {
        text = text == null ? "" : text;
        toolRequests = List.copyOf(toolRequests);
        requireNonNull(usage, "usage");
    }

    public boolean wantsTools() {
        return !toolRequests.isEmpty();
    }
}
