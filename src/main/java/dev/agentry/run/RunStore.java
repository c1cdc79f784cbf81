package dev.agentry.run;

import dev.agentry.audit.Fact;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The port to durable run state. Every write is atomic (it may share its commit with other writes,
 * never a partial one), so a step is either fully committed or absent. Writes that concern a running run name the owner holding its lease, and do
 * nothing (returning false) when the run has since been cancelled or taken over. A store that only
 * one process can open (an embedded database) treats every lease found at startup as lapsed.
 */
public interface RunStore {

    /** Stores a new queued run, leased to {@code owner} so that no other replica takes it meanwhile. */
    void create(Run run, String owner, Instant leaseUntil);

    /**
     * Moves a run to running under {@code owner}'s lease: one of its own, or an orphan whose lease
     * lapsed before {@code startedAt}.
     *
     * @return false when the run is no longer queued or running (for example, cancelled meanwhile)
     */
    boolean start(String runId, String owner, Instant startedAt, Instant leaseUntil);

    /**
     * Commits a step, in one statement that also checks the run is still this owner's to run; false
     * when it is not (cancelled, or taken over). A running run's usage is the sum of its steps.
     */
    boolean addStep(String runId, String owner, Step step);

    /**
     * Hands a step to the store without waiting for its commit, as {@link #addStep} would write it.
     * Writes handed over are committed in order, with the journal's records handed over before them.
     */
    default Pending addStepLater(String runId, String owner, Step step) {
        boolean added = addStep(runId, owner, step);
        return () -> added;
    }

    /** As {@link #start}, without waiting for the commit: for a run just created by this owner. */
    default Pending startLater(String runId, String owner, Instant startedAt, Instant leaseUntil) {
        boolean started = start(runId, owner, startedAt, leaseUntil);
        return () -> started;
    }

    /** A write handed to the store, not yet known to be committed. */
    @FunctionalInterface
    interface Pending {
        /**
         * Waits until the write is committed: false when the run was no longer the owner's to run.
         *
         * @throws dev.agentry.AgentryException.Unavailable when the store could not be written
         */
        boolean written();

        /**
         * Runs {@code then} once the write is committed and changed the run, on the thread that
         * committed it (at once when it already is): {@code then} must be quick and must not block.
         */
        default void whenWritten(Runnable then) {
            if (written()) {
                then.run();
            }
        }
    }

    /** Ends a run unless it already ended; returns whether this call ended it. */
    boolean finish(String runId, RunOutcome outcome, Usage usage, Instant endedAt);

    /**
     * Ends a run unless it already ended, and records {@code ended} in the audit journal in the same
     * commit when this call ended it: both, or neither.
     */
    boolean finish(String runId, RunOutcome outcome, Usage usage, Instant endedAt, Fact ended);

    Optional<Run> find(String runId);

    List<Step> steps(String runId);

    List<Run> list(RunQuery query);

    /** How many tool calls of each of {@code runIds} a policy refused; runs with none are left out. */
    Map<String, Integer> denials(Collection<String> runIds);

    /** Extends the leases of runs {@code owner} is executing. */
    void renewLeases(String owner, List<String> runIds, Instant leaseUntil);

    /** Gives up this owner's lease on a run at once, so that another replica adopts it without waiting. */
    default void release(String owner, String runId) {
        renewLeases(owner, List.of(runId), Instant.EPOCH);
    }

    /**
     * Parks a run this owner executes until people decide its pending calls: it keeps no lease and no
     * thread meanwhile. False when the run is no longer this owner's.
     */
    boolean park(String runId, String owner, Instant at);

    /**
     * Makes a parked run queued again, ready for any replica to resume, and adds the time it was
     * parked to the time it waited. False when it was not parked.
     */
    boolean unpark(String runId, Instant at);

    /** How long the run has waited for people in total; that time does not count against its timeout. */
    java.time.Duration waited(String runId);

    /** Ids of runs that are queued or running but whose lease has lapsed (their owner is gone). */
    List<String> orphans(Instant now, int max);

    /**
     * Deletes up to {@code max} finished runs (succeeded, failed or cancelled) that ended before
     * {@code endedBefore}, with their steps and approvals, oldest first; the audit journal keeps its
     * records of them.
     *
     * @return how many runs were deleted
     */
    int purge(Instant endedBefore, int max);
}
