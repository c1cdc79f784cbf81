package dev.agentry.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One run of an agent, as stored.
 *
 * @param input what the caller passed: a JSON string or any JSON value; null when none
 * @param output the final answer, once succeeded
 * @param error why it failed or was cancelled
 * @param startedAt when it left the queue; null while queued
 */
public record Run(
        String id,
        String agent,
        RunStatus status,
        JsonNode input,
        String output,
        String error,
        Trigger trigger,
        Instant createdAt,
        Instant startedAt,
        Instant endedAt,
        Usage usage) {

    public Run {
        requireNonNull(id, "id");
        requireNonNull(agent, "agent");
        requireNonNull(status, "status");
        requireNonNull(trigger, "trigger");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(usage, "usage");
    }

    public static Run queued(String id, String agent, JsonNode input, Trigger trigger, Instant now) {
        return new Run(id, agent, RunStatus.QUEUED, input, null, null, trigger, now, null, null, Usage.ZERO);
    }
}
