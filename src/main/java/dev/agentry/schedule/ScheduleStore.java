package dev.agentry.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Occurrences and schedule state, in the run store's database. Claiming an occurrence is the one
 * place that decides, across replicas and retries, whether it runs: its (agent, scheduled time) is a
 * key the database holds once.
 */
public interface ScheduleStore {

    /** A schedule's state across restarts. */
    record State(
            Instant firstSeen,
            Boolean paused,
            Boolean filePaused,
            String changedBy,
            Instant changedAt,
            String reason) {}

    /** The state of {@code agent}'s schedule, recording {@code now} as its first sighting when it has none. */
    State state(String agent, Instant now);

    /**
     * Records a pause or resume said over the API (or by the schedule itself), which holds until another
     * is said or the file's {@code paused} changes from {@code filePaused}.
     */
    void setPaused(String agent, boolean paused, boolean filePaused, String by, String reason, Instant now);

    /**
     * Records an occurrence unless one with its agent and time exists.
     *
     * @return false when it exists: another replica or an earlier attempt handled it
     */
    boolean claim(Occurrence occurrence);

    /** Records what became of a claimed occurrence. */
    void settle(String agent, Instant scheduledAt, Occurrence.Outcome outcome, String runId, String reason);

    /**
     * Moves a buffered occurrence to starting with {@code runId}.
     *
     * @return false when another replica took it first
     */
    boolean promote(String agent, Instant scheduledAt, String runId);

    Optional<Occurrence> find(String agent, Instant scheduledAt);

    /** The latest occurrence the clock handled (not a manual one), of any outcome. */
    Optional<Instant> lastHandled(String agent);

    /** Occurrences, newest first. */
    List<Occurrence> list(String agent, int limit);

    /** Occurrences with this outcome, oldest first. */
    List<Occurrence> withOutcome(String agent, Occurrence.Outcome outcome);

    /** How many occurrences were missed in all. */
    long missed(String agent);

    /** The ids of the agent's scheduled runs that have not ended. */
    List<String> activeRuns(String agent);

    /**
     * The statuses of the agent's latest scheduled runs that have ended, newest first.
     *
     * @param since only runs created after this; null for all
     */
    List<String> recentStatuses(String agent, int limit, Instant since);

    /** The status of a run, if it exists. */
    Optional<String> runStatus(String runId);

    /** The occurrence time of the agent's latest scheduled run that succeeded. */
    Optional<Instant> lastSuccess(String agent);
}
