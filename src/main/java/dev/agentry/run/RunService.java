package dev.agentry.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.AgentryException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Starts, finds, waits for and cancels runs. Each run executes on its own virtual thread under a
 * lease in the store; a replica renews the leases of its runs and adopts runs whose owner stopped
 * renewing, so a crash or restart resumes them from their last committed step.
 */
@ApplicationScoped
public class RunService {

    private static final Logger LOG = Logger.getLogger(RunService.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final RunStore store;
    private final RunEvents events;
    private final AgentResolver resolver;
    private final RunLoop loop;
    private final RunsConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final String owner;
    private final Semaphore permits;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agentry-run-timers").daemon().factory());

    RunService(
            RunStore store,
            RunEvents events,
            AgentResolver resolver,
            RunLoop loop,
            RunsConfig config,
            Clock clock,
            MeterRegistry metrics) {
        this.store = store;
        this.events = events;
        this.resolver = resolver;
        this.loop = loop;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.owner = config.nodeId().orElseGet(RunService::defaultNodeId);
        this.permits = new Semaphore(config.maxConcurrent());
    }

    /** A run executing on this replica: how to stop it, and how to learn it ended. */
    private record Active(RunControl control, CompletableFuture<Run> done) {}

    /**
     * Queues a run of {@code agent} and starts it.
     *
     * @throws AgentryException.NotFound when there is no such agent
     * @throws AgentryException.InvalidInput (422) when the agent cannot run, with the reason
     */
    public Run start(String agent, JsonNode input, Trigger trigger) {
        RunPlan plan = resolver.plan(agent);
        Instant now = clock.instant();
        Run run = Run.queued(RunIds.next(now), agent, input, trigger, now);
        store.create(run, owner, now.plus(config.lease()));
        metrics.counter("agentry.runs.started", "agent", agent, "trigger", trigger.type())
                .increment();
        launch(run.id(), plan);
        return run;
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

    /** The run once it has ended, or as it is when {@code timeout} passes first. */
    public Run awaitEnd(String runId, Duration timeout) throws InterruptedException {
        Active running = active.get(runId);
        if (running != null) {
            try {
                return running.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return require(runId);
            }
        }
        Instant until = clock.instant().plus(timeout);
        Run run = require(runId);
        while (!run.status().terminal() && clock.instant().isBefore(until)) {
            Thread.sleep(POLL);
            run = require(runId);
        }
        return run;
    }

    /**
     * Cancels a run that has not ended. A run executing elsewhere stops at its next step.
     *
     * @throws AgentryException.Conflict when the run has already ended
     */
    public Run cancel(String runId) {
        Run run = require(runId);
        if (run.status().terminal()) {
            throw new AgentryException.Conflict("run " + runId + " has already ended (" + run.status()
                    + "); only queued, running or awaiting_approval runs can be cancelled");
        }
        store.finish(runId, new RunOutcome.Cancelled("cancelled by request"), run.usage(), clock.instant());
        Active running = active.get(runId);
        if (running != null) {
            running.control().cancel();
        }
        return require(runId);
    }

    private Run require(String runId) {
        return store.find(runId)
                .orElseThrow(() -> new AgentryException.NotFound("there is no run with id '" + runId + "'"));
    }

    private void launch(String runId, RunPlan plan) {
        Active running = new Active(new RunControl(), new CompletableFuture<>());
        if (active.putIfAbsent(runId, running) != null) {
            return;
        }
        Thread.ofVirtual().name("run-" + runId).start(() -> execute(runId, plan, running));
    }

    private void execute(String runId, RunPlan plan, Active running) {
        ScheduledFuture<?> deadline = null;
        boolean acquired = false;
        Usage usage = Usage.ZERO;
        try {
            permits.acquire();
            acquired = true;
            Instant now = clock.instant();
            if (!store.start(runId, owner, now, now.plus(config.lease()))) {
                return;
            }
            Run run = require(runId);
            events.publish(new RunEvent.StatusChanged(runId, RunStatus.RUNNING));
            Instant until = run.startedAt().plus(plan.agent().limits().timeout());
            deadline = timers.schedule(
                    running.control()::timeOut, Duration.between(now, until).toMillis(), TimeUnit.MILLISECONDS);
            RunState state = RunState.of(runId, plan, until, run.input(), store.steps(runId));
            usage = state.usage();
            RunOutcome outcome = loop.run(new RunLoop.Execution(state, running.control(), owner, config.lease()));
            usage = state.usage();
            store.finish(runId, outcome, usage, clock.instant());
        } catch (RunLoop.LeaseLost e) {
            LOG.infof("Stopped executing run %s: it was cancelled or taken over", runId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Run %s failed with an internal error", runId);
            finishQuietly(runId, new RunOutcome.Failed("internal error: " + e), usage);
        } finally {
            if (acquired) {
                permits.release();
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            active.remove(runId);
            announceEnd(runId, running);
        }
    }

    private void finishQuietly(String runId, RunOutcome outcome, Usage usage) {
        try {
            store.finish(runId, outcome, usage, clock.instant());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not record the end of run %s; it will be resumed when its lease lapses", runId);
        }
    }

    private void announceEnd(String runId, Active running) {
        try {
            Run end = require(runId);
            if (end.status().terminal()) {
                metrics.counter(
                                "agentry.runs.finished",
                                "agent",
                                end.agent(),
                                "status",
                                end.status().id())
                        .increment();
                events.publish(new RunEvent.Finished(runId, end));
            }
            running.done().complete(end);
        } catch (RuntimeException e) {
            running.done().completeExceptionally(e);
        }
    }

    void onStart(@Observes StartupEvent event) {
        adoptOrphans(clock.instant());
        long every = Math.max(100, config.lease().toMillis() / 3);
        timers.scheduleWithFixedDelay(this::upkeep, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        timers.shutdownNow();
    }

    private void upkeep() {
        try {
            Instant now = clock.instant();
            if (!active.isEmpty()) {
                store.renewLeases(owner, List.copyOf(active.keySet()), now.plus(config.lease()));
            }
            adoptOrphans(now);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Renewing run leases failed; retrying");
        }
    }

    /** Resumes runs whose owner stopped renewing its lease before {@code lapsedBefore}. */
    private void adoptOrphans(Instant lapsedBefore) {
        for (String runId : store.orphans(lapsedBefore, 100)) {
            if (active.containsKey(runId)) {
                continue;
            }
            Run run = require(runId);
            RunPlan plan;
            try {
                plan = resolver.plan(run.agent());
            } catch (AgentryException e) {
                store.finish(
                        runId,
                        new RunOutcome.Failed("could not be resumed: " + e.getMessage()),
                        run.usage(),
                        clock.instant());
                continue;
            }
            LOG.infof("Resuming run %s of agent '%s' from its last committed step", runId, run.agent());
            launch(runId, plan);
        }
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
