package dev.agentry.sandbox;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One piece of code to run.
 *
 * @param agent the agent the code runs for; a profile with {@code pool: {per-agent: true}} gives each
 *     agent workers of its own
 * @param input what the code sees as {@code input}; null for none
 * @param tools the ids of the tools the code may call ({@code toolset.tool})
 * @param deadline when the caller must have an answer; the execution's own timeout is shortened to it
 */
public record CodeExecution(String agent, String source, JsonNode input, List<String> tools, Instant deadline) {

    public CodeExecution {
        requireNonNull(agent, "agent");
        requireNonNull(source, "source");
        tools = List.copyOf(tools);
        requireNonNull(deadline, "deadline");
    }
}
