package dev.agentry.run;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The port to durable approvals. Each write is its own transaction; a decision is made at most once. */
public interface ApprovalStore {

    /**
     * Stores a pending approval unless the run already has one for the same call.
     *
     * @return the approval stored for that call: this one, or the one that was there
     */
    Approval request(Approval pending);

    Optional<Approval> find(String id);

    /** The approval for one call of a run, if one was requested. */
    Optional<Approval> forCall(String runId, String callId);

    /**
     * A page of approvals, oldest first.
     *
     * @param among only approvals of these agents; null for every agent
     * @param cursor the id of the last approval of the previous page; null for the first page
     */
    List<Approval> list(Approval.Status status, String agent, Set<String> among, int limit, String cursor);

    /** Decides a pending approval; false when it was no longer pending (or does not exist). */
    boolean decide(String id, Approval.Status status, String by, String comment, Instant at);

    /** How many approvals of the run are still pending. */
    int pending(String runId);

    /** Pending approvals whose time ran out before {@code now}, oldest first. */
    List<Approval> overdue(Instant now, int max);

    /** The run's approvals that are still pending, for cancelling them with the run. */
    List<Approval> pendingOf(String runId);
}
