package dev.agentry.run;

import dev.agentry.AgentryException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Executes runs on this replica: each on a virtual thread of its own, under the lease it took in the
 * store and with its deadline, until it ends or parks for approvals. It knows which runs execute here,
 * how to stop one, and how a waiter learns that one ended. Starting a run is {@link RunService}'s;
 * keeping leases and adopting orphans is {@link RunLeases}'.
 */
@ApplicationScoped
public class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    private final RunStore store;
    private final ApprovalStore approvals;
    private final RunEvents events;
    private final AgentResolver resolver;
    private final RunLoop loop;
    private final RunJournal journal;
    private final RunHistory history;
    private final RunsConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final String owner;
    private final Semaphore permits;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agentry-run-timers").daemon().factory());

    RunExecutor(
            RunStore store,
            ApprovalStore approvals,
            RunEvents events,
            AgentResolver resolver,
            RunLoop loop,
            RunJournal journal,
            RunHistory history,
            RunsConfig config,
            Clock clock,
            MeterRegistry metrics) {
        this.history = history;
        this.store = store;
        this.approvals = approvals;
        this.events = events;
        this.resolver = resolver;
        this.loop = loop;
        this.journal = journal;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.owner = config.nodeId().orElseGet(RunExecutor::defaultNodeId);
        this.permits = new Semaphore(config.maxConcurrent());
    }

    /** A run executing on this replica since {@code since}: how to stop it, and how to learn it ended. */
    private record Active(RunControl control, CompletableFuture<RunService.Snapshot> done, Instant since) {}

    /** The lease owner this replica writes runs as. */
    String owner() {
        return owner;
    }

    /**
     * Whether this replica is executing the run now: its steps and its end are then published to
     * {@link RunEvents} as they happen, and followers need not read the store for them.
     */
    boolean executesHere(String runId) {
        return active.containsKey(runId);
    }

    /** How the run executing here ends, if it executes here. */
    Optional<CompletableFuture<RunService.Snapshot>> ending(String runId) {
        return Optional.ofNullable(active.get(runId)).map(Active::done);
    }

    /** Stops the run at its next step, if it executes here; its end is already recorded. */
    void stop(String runId) {
        Active running = active.get(runId);
        if (running != null) {
            running.control().cancel();
        }
    }

    /**
     * Whether this replica takes no more runs: as many execute or wait for a place here as
     * {@code max-concurrent} and {@code max-queued} allow together.
     */
    boolean full() {
        return active.size() >= config.maxConcurrent() + config.maxQueued();
    }

    /** The runs executing here, whose leases this replica renews. */
    List<String> executing() {
        return List.copyOf(active.keySet());
    }

    /** When the run executing here longest began executing here, if any does. */
    Optional<Instant> oldestRunning() {
        return active.values().stream().map(Active::since).min(Instant::compareTo);
    }

    /** Whether this replica is stopping, and takes no new runs. */
    boolean stopping() {
        return stopping;
    }

    /**
     * A graceful stop: takes no new runs, lets each executing run finish the step in flight, and
     * releases every run to other replicas, waiting at most {@code grace} for the steps to commit.
     */
    void handOver(Duration grace) throws InterruptedException {
        stopping = true;
        active.values().forEach(running -> running.control().handOver());
        long deadline = System.nanoTime() + grace.toNanos();
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!active.isEmpty()) {
            LOG.warnf(
                    "Stopping with %d runs still in a call after %s; they resume elsewhere when their leases lapse",
                    active.size(), grace);
        }
    }

    /** Executes a queued run whose state is in the store (adopted, or unparked). */
    void relaunch(String runId) {
        if (stopping) {
            return;
        }
        Run run = require(runId);
        RunPlan plan;
        try {
            plan = resolver.plan(run.agent(), run.trigger());
        } catch (AgentryException e) {
            finishQuietly(
                    runId, run.agent(), new RunOutcome.Failed("could not be resumed: " + e.getMessage()), run.usage());
            return;
        }
        try {
            journal.resumed(runId, run.agent(), owner);
        } catch (RunJournal.Unrecorded e) {
            LOG.errorf("Not resuming run %s yet: %s", runId, e.getMessage());
            return;
        }
        launch(runId, plan, null);
    }

    private Run require(String runId) {
        return store.find(runId)
                .orElseThrow(() -> new AgentryException.NotFound("there is no run with id '" + runId + "'"));
    }

    /** Executes a run this replica just created: its state is known, nothing needs reading back. */
    void launch(Run queued, RunPlan plan) {
        launch(queued.id(), plan, queued);
    }

    /**
     * @param queued the run as created here, or null for a run adopted from another owner, whose state
     *     is read from the store
     */
    private void launch(String runId, RunPlan plan, Run queued) {
        Active running = new Active(new RunControl(), new CompletableFuture<>(), clock.instant());
        if (active.putIfAbsent(runId, running) != null) {
            return;
        }
        Thread.ofVirtual().name("run-" + runId).start(() -> execute(runId, plan, queued, running));
    }

    private void execute(String runId, RunPlan plan, Run queued, Active running) {
        ScheduledFuture<?> deadline = null;
        boolean acquired = false;
        Run run = queued;
        RunState state = null;
        RunOutcome outcome = null;
        Instant endedAt = null;
        boolean resumeAfter = false;
        try {
            permits.acquire();
            acquired = true;
            if (running.control().stop() == RunControl.Stop.HANDED_OVER) {
                throw new RunLoop.HandedOver(runId);
            }
            Instant now = clock.instant();
            // A run created here a moment ago is started without waiting: its first tool call, or its
            // end, confirms the start. An adopted run's start is waited for, since its state is read next.
            RunStore.Pending start = null;
            if (queued != null) {
                start = store.startLater(runId, owner, now, now.plus(config.lease()));
            } else if (!store.start(runId, owner, now, now.plus(config.lease()))) {
                return;
            }
            run = queued != null ? started(queued, now) : require(runId);
            events.publish(new RunEvent.StatusChanged(runId, RunStatus.RUNNING));
            // Time spent waiting for people does not count against the run's timeout.
            Duration waited = queued != null ? Duration.ZERO : store.waited(runId);
            Instant until =
                    run.startedAt().plus(plan.agent().limits().timeout()).plus(waited);
            deadline = timers.schedule(
                    running.control()::timeOut, Duration.between(now, until).toMillis(), TimeUnit.MILLISECONDS);
            List<Step> committed = queued != null ? List.of() : store.steps(runId);
            state = RunState.of(
                    runId, plan, until, run.input(), committed, run.trigger().type(), run.startedAt());
            if (start != null) {
                RunStore.Pending started = start;
                state.unconfirmed().add(() -> {
                    if (!started.written()) {
                        throw new RunLoop.LeaseLost(runId);
                    }
                });
            }
            if (queued == null) {
                // Resumed: what earlier attempts did with the pending calls decides whether to send them.
                state.resumedAfter(history.of(runId));
            }
            outcome = loop.run(new RunLoop.Execution(state, running.control(), owner, config.lease()));
            endedAt = clock.instant();
            if (outcome instanceof RunOutcome.AwaitingApproval waiting) {
                resumeAfter = park(runId, plan.agent().name(), waiting);
                outcome = null;
            } else {
                Usage usage = state.usage().withCost(plan.price());
                if (!store.finish(
                        runId,
                        outcome,
                        usage,
                        endedAt,
                        journal.ended(runId, plan.agent().name(), outcome, usage))) {
                    outcome = null;
                }
            }
        } catch (RunLoop.HandedOver e) {
            release(runId, plan.agent().name());
        } catch (RunLoop.LeaseLost e) {
            LOG.infof("Stopped executing run %s: it was cancelled or taken over", runId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Run %s failed with an internal error", runId);
            finishQuietly(
                    runId,
                    plan.agent().name(),
                    new RunOutcome.Failed("internal error: " + e),
                    state == null ? Usage.ZERO : state.usage());
        } finally {
            if (acquired) {
                permits.release();
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            active.remove(runId);
            if (resumeAfter) {
                try {
                    relaunch(runId);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Run %s could not resume yet; it is queued, and will be adopted", runId);
                }
            }
            RunService.Snapshot end = outcome != null && state != null
                    ? new RunService.Snapshot(
                            ended(run, outcome, state.usage().withCost(plan.price()), endedAt), state.steps())
                    : null;
            announceEnd(runId, running, end);
        }
    }

    /** Gives the run up to another replica; if that cannot be written, its lease lapses instead. */
    private void release(String runId, String agent) {
        try {
            store.release(owner, runId);
            journal.released(runId, agent, owner);
            LOG.infof("Released run %s to another replica", runId);
        } catch (RuntimeException e) {
            LOG.warnf("Run %s could not be released (%s); it resumes elsewhere when its lease lapses", runId, e);
        }
    }

    /**
     * Parks the run until its calls are decided; it holds no lease and no thread meanwhile.
     *
     * @return whether every call was decided while it parked, so it should resume at once
     */
    private boolean park(String runId, String agent, RunOutcome.AwaitingApproval waiting) {
        if (!store.park(runId, owner, clock.instant())) {
            return false;
        }
        try {
            journal.parked(runId, agent, waiting.approvals());
        } catch (RunJournal.Unrecorded e) {
            LOG.errorf("Run %s is parked but the journal could not record it: %s", runId, e.getMessage());
        }
        events.publish(new RunEvent.StatusChanged(runId, RunStatus.AWAITING_APPROVAL));
        return approvals.pending(runId) == 0 && store.unpark(runId, clock.instant());
    }

    private static Run started(Run queued, Instant now) {
        return new Run(
                queued.id(),
                queued.agent(),
                RunStatus.RUNNING,
                queued.input(),
                null,
                null,
                queued.trigger(),
                queued.createdAt(),
                now,
                null,
                queued.usage());
    }

    private static Run ended(Run run, RunOutcome outcome, Usage usage, Instant endedAt) {
        String output = outcome.outputOrNull();
        String error = outcome.errorOrNull();
        return new Run(
                run.id(),
                run.agent(),
                outcome.status(),
                run.input(),
                output,
                error,
                run.trigger(),
                run.createdAt(),
                run.startedAt(),
                endedAt,
                usage);
    }

    private void finishQuietly(String runId, String agent, RunOutcome outcome, Usage usage) {
        try {
            store.finish(runId, outcome, usage, clock.instant(), journal.ended(runId, agent, outcome, usage));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not record the end of run %s; it will be resumed when its lease lapses", runId);
        }
    }

    /**
     * Tells waiters and subscribers how the run ended: from memory when this replica ended it, from the
     * store when something else did (a cancel, another replica) or the end could not be recorded.
     */
    private void announceEnd(String runId, Active running, RunService.Snapshot known) {
        try {
            RunService.Snapshot end =
                    known != null ? known : new RunService.Snapshot(require(runId), store.steps(runId));
            if (end.run().status().terminal()) {
                metrics.counter(
                                "agentry.runs.finished",
                                "agent",
                                end.run().agent(),
                                "status",
                                end.run().status().id())
                        .increment();
                events.publish(new RunEvent.Finished(runId, end.run()));
            }
            running.done().complete(end);
        } catch (RuntimeException e) {
            running.done().completeExceptionally(e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        timers.shutdownNow();
    }

    private static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
