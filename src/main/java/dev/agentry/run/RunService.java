package dev.agentry.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Starts, finds, waits for and cancels runs: what callers ask of runs. Executing them is
 * {@link RunExecutor}'s, on this replica under a lease in the store; {@link RunLeases} renews the
 * leases and adopts runs whose owner stopped renewing, so a crash or restart resumes them from their
 * last committed step.
 */
@ApplicationScoped
public class RunService {

    private static final Logger LOG = Logger.getLogger(RunService.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final RunStore store;
    private final ApprovalStore approvals;
    private final AgentResolver resolver;
    private final RunJournal journal;
    private final RunExecutor executor;
    private final RunsConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;

    RunService(
            RunStore store,
            ApprovalStore approvals,
            AgentResolver resolver,
            RunJournal journal,
            RunExecutor executor,
            RunsConfig config,
            Clock clock,
            MeterRegistry metrics) {
        this.store = store;
        this.approvals = approvals;
        this.resolver = resolver;
        this.journal = journal;
        this.executor = executor;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A run as it stands, with its committed steps. */
    public record Snapshot(Run run, List<Step> steps) {}

    /**
     * Queues a run of {@code agent} for {@code actor} and starts it; the journal records the start first.
     *
     * @throws AgentryException.NotFound when there is no such agent
     * @throws AgentryException.InvalidInput (422) when the agent cannot run, with the reason
     * @throws AgentryException.Unavailable when the start cannot be recorded; the run is not started
     * @throws AgentryException.InvalidInput (429) when this replica's queue is full
     */
    public Run start(String agent, JsonNode input, Trigger trigger, Actor actor) {
        return begin(RunIds.next(clock.instant()), agent, input, trigger, actor);
    }

    /**
     * Starts a run with an id chosen beforehand: a schedule records the id with its occurrence first,
     * so that a start interrupted by a crash is completed under the same id, never a second one.
     *
     * @throws AgentryException.Conflict when a run with this id exists
     */
    public Run start(String runId, String agent, JsonNode input, Trigger trigger, Actor actor) {
        if (store.find(runId).isPresent()) {
            throw new AgentryException.Conflict("run " + runId + " has already been started");
        }
        return begin(runId, agent, input, trigger, actor);
    }

    private Run begin(String runId, String agent, JsonNode input, Trigger trigger, Actor actor) {
        RunPlan plan = resolver.plan(agent, trigger);
        if (executor.stopping()) {
            throw new AgentryException.Unavailable(
                    "this replica is stopping; start the run again, and another replica will take it");
        }
        if (executor.full()) {
            throw new AgentryException.InvalidInput(
                    429,
                    "this replica has " + (config.maxConcurrent() + config.maxQueued())
                            + " runs executing or waiting, its limit (agentry.runs.max-concurrent plus"
                            + " agentry.runs.max-queued); start the run again once some have ended");
        }
        Instant now = clock.instant();
        Run run = Run.queued(runId, agent, input, trigger, now);
        // The record and the row share a commit: the record is handed over first, the row waited for.
        RunJournal.Recorded started;
        try {
            started = journal.started(run, actor, executor.owner());
        } catch (RunJournal.Unrecorded e) {
            throw new AgentryException.Unavailable(e.getMessage());
        }
        store.create(run, executor.owner(), now.plus(config.lease()));
        try {
            started.confirm();
        } catch (RunJournal.Unrecorded e) {
            store.finish(runId, new RunOutcome.Failed("stopped unaudited: " + e.getMessage()), Usage.ZERO, now);
            throw new AgentryException.Unavailable(e.getMessage() + "; the run was not started");
        }
        metrics.counter("agentry.runs.started", "agent", agent, "trigger", trigger.type())
                .increment();
        executor.launch(run, plan);
        return run;
    }

    /** The lease owner this replica writes runs as. */
    String owner() {
        return executor.owner();
    }

    /** How long a {@code "wait": true} request may block. */
    public Duration waitTimeout() {
        return config.waitTimeout();
    }

    public Optional<Run> find(String runId) {
        return store.find(runId);
    }

    public List<Step> steps(String runId) {
        return store.steps(runId);
    }

    public List<Run> list(RunQuery query) {
        return store.list(query);
    }

    /** How many tool calls of each run a policy refused; runs with none are left out. */
    public Map<String, Integer> denials(Collection<String> runIds) {
        return store.denials(runIds);
    }

    /** The run and its steps once it has ended, or as it is when {@code timeout} passes first. */
    public Snapshot awaitEnd(String runId, Duration timeout) throws InterruptedException {
        Optional<CompletableFuture<Snapshot>> ending = executor.ending(runId);
        if (ending.isPresent()) {
            try {
                return ending.get().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return snapshot(runId);
            }
        }
        Instant until = clock.instant().plus(timeout);
        Run run = require(runId);
        while (!run.status().terminal() && clock.instant().isBefore(until)) {
            Thread.sleep(POLL);
            run = require(runId);
        }
        return new Snapshot(run, store.steps(runId));
    }

    private Snapshot snapshot(String runId) {
        return new Snapshot(require(runId), store.steps(runId));
    }

    /**
     * Whether this replica is executing the run now: its steps and its end are then published to
     * {@link RunEvents} as they happen, and followers need not read the store for them.
     */
    public boolean executesHere(String runId) {
        return executor.executesHere(runId);
    }

    /**
     * Cancels a run that has not ended. A run executing elsewhere stops at its next step.
     *
     * @throws AgentryException.Conflict when the run has already ended
     */
    public Run cancel(String runId, Actor actor) {
        Run run = require(runId);
        if (run.status().terminal()) {
            throw new AgentryException.Conflict("run " + runId + " has already ended (" + run.status()
                    + "); only queued, running or awaiting_approval runs can be cancelled");
        }
        recorded(() -> journal.cancelled(runId, run.agent(), actor));
        store.finish(runId, new RunOutcome.Cancelled("cancelled by request"), run.usage(), clock.instant());
        cancelApprovals(runId, actor);
        executor.stop(runId);
        return require(runId);
    }

    /** A cancelled run's calls no longer wait for anyone. */
    private void cancelApprovals(String runId, Actor actor) {
        Instant now = clock.instant();
        for (Approval pending : approvals.pendingOf(runId)) {
            if (approvals.decide(
                    pending.id(), Approval.Status.CANCELLED, actor.describe(), "the run was cancelled", now)) {
                try {
                    journal.approvalDecided(approvals.find(pending.id()).orElse(pending), actor);
                } catch (RunJournal.Unrecorded e) {
                    LOG.errorf(
                            "Approval %s was cancelled but the journal could not record it: %s",
                            pending.id(), e.getMessage());
                }
            }
        }
    }

    /**
     * Resumes a parked run once none of its calls waits for a person any more, on this replica unless
     * another one takes it first.
     */
    public void resumeParked(String runId) {
        if (store.unpark(runId, clock.instant())) {
            executor.relaunch(runId);
        }
    }

    private Run require(String runId) {
        return store.find(runId)
                .orElseThrow(() -> new AgentryException.NotFound("there is no run with id '" + runId + "'"));
    }

    /** Does {@code record}, or tells the caller the journal is unavailable, so that nothing unrecorded happens. */
    private static void recorded(Runnable record) {
        try {
            record.run();
        } catch (RunJournal.Unrecorded e) {
            throw new AgentryException.Unavailable(e.getMessage());
        }
    }
}
