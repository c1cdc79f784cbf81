package dev.agentry.run;

import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * People's decisions on tool calls that policy sent to them. A decision is made once (a second one
 * is a conflict), recorded in the journal with who made it, and the run resumes as soon as none of
 * its calls is pending. Approvals past {@code agentry.approvals.timeout} expire, which counts as a
 * rejection. Everything lives in the store, so a restart loses nothing: a parked run waits without a
 * thread, and a decision made after the restart resumes it.
 */
@ApplicationScoped
public class Approvals {

    private static final Logger LOG = Logger.getLogger(Approvals.class);

    private final ApprovalStore store;
    private final RunService runs;
    private final RunJournal journal;
    private final ApprovalsConfig config;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agentry-approval-expiry").daemon().factory());

    Approvals(ApprovalStore store, RunService runs, RunJournal journal, ApprovalsConfig config, Clock clock) {
        this.store = store;
        this.runs = runs;
        this.journal = journal;
        this.config = config;
        this.clock = clock;
    }

    public Optional<Approval> find(String id) {
        return store.find(id);
    }

    /** @see ApprovalStore#list */
    public List<Approval> list(Approval.Status status, String agent, Set<String> among, int limit, String cursor) {
        return store.list(status, agent, among, limit, cursor);
    }

    /**
     * Approves or rejects a pending call. Approved, the call is made as it was requested; rejected, the
     * model is told so, with the comment.
     *
     * @throws AgentryException.NotFound when there is no such approval
     * @throws AgentryException.Conflict when it was already decided, or expired, or was cancelled
     */
    public Approval decide(String id, boolean approve, String comment, Actor actor) {
        Approval approval = store.find(id)
                .orElseThrow(() -> new AgentryException.NotFound("there is no approval with id '" + id + "'"));
        Approval.Status status = approve ? Approval.Status.APPROVED : Approval.Status.REJECTED;
        Instant now = clock.instant();
        if (approval.status() != Approval.Status.PENDING || !store.decide(id, status, actor.describe(), comment, now)) {
            Approval current = store.find(id).orElse(approval);
            throw new AgentryException.Conflict("approval " + id + " is already " + current.status()
                    + (current.decidedBy() == null ? "" : " (by " + current.decidedBy() + ")")
                    + "; a decision is made once");
        }
        Approval decided = store.find(id).orElseThrow();
        record(decided, actor);
        resumeWhenDecided(approval.runId());
        return decided;
    }

    private void record(Approval decided, Actor actor) {
        try {
            journal.approvalDecided(decided, actor);
        } catch (RunJournal.Unrecorded e) {
            // The decision stands; the call it allows still needs its intent recorded before it is sent.
            LOG.errorf("Approval %s was decided but the journal could not record it: %s", decided.id(), e.getMessage());
        }
    }

    /** Resumes the run once none of its calls waits for a person. */
    private void resumeWhenDecided(String runId) {
        if (store.pending(runId) == 0) {
            runs.resumeParked(runId);
        }
    }

    void onStart(@Observes StartupEvent event) {
        long every = Math.clamp(
                config.timeout().toMillis() / 4, 100, Duration.ofSeconds(10).toMillis());
        timer.scheduleWithFixedDelay(this::expire, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    /** Expires the approvals whose time ran out; their runs resume and read a refusal. */
    void expire() {
        try {
            Instant now = clock.instant();
            for (Approval overdue : store.overdue(now, 100)) {
                String why = "no one decided within " + dev.agentry.asset.DurationText.format(config.timeout());
                if (store.decide(overdue.id(), Approval.Status.EXPIRED, Actor.SYSTEM.describe(), why, now)) {
                    record(store.find(overdue.id()).orElse(overdue), Actor.SYSTEM);
                    resumeWhenDecided(overdue.runId());
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Expiring approvals failed; retrying");
        }
    }
}
