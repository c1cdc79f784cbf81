package dev.agentry.schedule;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One occurrence of a schedule as recorded: identified by its agent and scheduled time.
 *
 * @param outcome what became of it
 * @param runId the run started for it; null when none was
 * @param reason why it was skipped, missed or is waiting; null when it started
 * @param count how many occurrences the record stands for: more than one for a stretch of missed ones,
 *     which is recorded at its last occurrence
 * @param manual whether a person asked for it (trigger now, backfill)
 */
public record Occurrence(
        String agent,
        Instant scheduledAt,
        Outcome outcome,
        String runId,
        String reason,
        long count,
        boolean manual,
        Instant recordedAt) {

    /** What became of an occurrence. */
    public enum Outcome {
        /** Claimed, its run being created. */
        STARTING,
        STARTED,
        /** Waiting for the previous run to end ({@code overlap: buffer-one}). */
        BUFFERED,
        SKIPPED,
        /** Not run: no replica was up, and it is older than the catch-up window. */
        MISSED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Outcome of(String id) {
            return valueOf(id.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public Occurrence {
        requireNonNull(agent, "agent");
        requireNonNull(scheduledAt, "scheduledAt");
        requireNonNull(outcome, "outcome");
        requireNonNull(recordedAt, "recordedAt");
    }
}
