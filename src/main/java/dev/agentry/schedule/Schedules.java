package dev.agentry.schedule;

import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import dev.agentry.agent.AgentCatalog;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.agent.Schedule;
import dev.agentry.asset.AssetEntry;
import dev.agentry.audit.Journal;
import dev.agentry.run.RunService;
import io.quarkus.arc.Unremovable;
import io.quarkus.quartz.QuartzScheduler;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.SchedulerException;

/**
 * The schedules of the agents in {@code agents/}, fired by Quarkus's scheduler (Quartz, with its
 * clustered JDBC store): one job ticks every second, on one replica at a time, and {@link
 * ScheduleEngine} decides what each due occurrence does. A tick comes close to but not exactly on the
 * second, so each tick also sets a timer for the exact time of an occurrence due before the next
 * tick: runs start within milliseconds of their time instead of up to a second late. Schedules follow
 * the files as they change, with no restart; what has fired is in the store, whose primary key lets
 * an occurrence start once whichever replica handles it, so a restart or another replica carries on
 * where this one stopped.
 */
@ApplicationScoped
public class Schedules {

    /** The identity of the job that ticks, as Quarkus's scheduler and Quartz's tables list it. */
    static final String JOB = "agentry-schedules";

    private static final Logger LOG = Logger.getLogger(Schedules.class);

    private final AgentCatalog agents;
    private final ScheduleStore store;
    private final ScheduleEngine engine;
    private final SchedulesConfig config;
    private final Clock clock;

    Schedules(
            AgentCatalog agents,
            ScheduleStore store,
            RunService runs,
            Journal journal,
            SchedulesConfig config,
            Clock clock) {
        this.agents = agents;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.engine = new ScheduleEngine(
                store,
                new ScheduleEngine.Runs() {
                    @Override
                    public void start(
                            String runId,
                            String agent,
                            com.fasterxml.jackson.databind.JsonNode input,
                            dev.agentry.run.Trigger trigger,
                            Actor actor) {
                        runs.start(runId, agent, input, trigger, actor);
                    }

                    @Override
                    public void cancel(String runId, Actor actor) {
                        runs.cancel(runId, actor);
                    }
                },
                journal);
    }

    /** Sets the timers for occurrences due before the next tick. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agentry-schedule-timer").daemon().factory());

    private final Object ticking = new Object();
    private Instant timerSetFor;

    /**
     * Registers the tick with Quartz unless it is registered already: the job lives in Quartz's tables,
     * so a restart or another replica finds it there (and Quartz has set it up from them). Two replicas
     * starting at once may both try; the loser's attempt fails on the job's key and changes nothing.
     */
    void start(@Observes StartupEvent event, QuartzScheduler scheduler) {
        if (!config.enabled()) {
            // Quartz on standby here: the cluster hands this replica no tick, the others fire them.
            scheduler.pause();
            return;
        }
        if (scheduler.getScheduledJob(JOB) != null) {
            return;
        }
        try {
            scheduler
                    .newJob(JOB)
                    .setCron("* * * * * ?")
                    .setNonconcurrent()
                    .setTask(Tick.class, true)
                    .schedule();
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof ObjectAlreadyExistsException)) {
                throw e;
            }
            LOG.debugf("Another replica registered the schedules' tick first");
        }
    }

    /** Quartz's task: it stores the class's name and asks for the bean each time the tick fires. */
    @Singleton
    @Unremovable
    public static class Tick implements Consumer<ScheduledExecution> {

        @Inject
        Schedules schedules;

        @Override
        public void accept(ScheduledExecution execution) {
            schedules.tick();
        }
    }

    /**
     * Stops the timer, and Quartz before the store closes: Quarkus would stop it later, when the beans
     * go, and by then its cluster check-in could find the database closed and log errors.
     */
    void stop(@Observes ShutdownEvent event, QuartzScheduler scheduler) {
        timer.shutdownNow();
        try {
            if (scheduler.getScheduler() != null) {
                scheduler.getScheduler().shutdown(true);
            }
        } catch (SchedulerException e) {
            LOG.debugf("Quartz did not stop cleanly: %s", e);
        }
    }

    /** Handles what is due now, and sets the timer for what falls due before the next tick. */
    void tick() {
        Map<String, Schedule> schedules = inForce();
        Instant now;
        Optional<Instant> next;
        synchronized (ticking) {
            now = clock.instant();
            engine.tick(schedules, now);
            next = engine.nextDue(schedules);
        }
        next.filter(due -> due.isBefore(now.plus(LOOK_AHEAD))).ifPresent(this::setTimer);
    }

    /** How far ahead a tick sets a timer: past the next tick, so that one coming early misses nothing. */
    private static final Duration LOOK_AHEAD = Duration.ofMillis(1500);

    private void setTimer(Instant due) {
        synchronized (ticking) {
            if (due.equals(timerSetFor)) {
                return;
            }
            timerSetFor = due;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), due).toMillis());
        try {
            timer.schedule(() -> onTime(due), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the service is stopping
        }
    }

    /** A timer's occurrence is due; the timer's clock and the wall clock may differ by a millisecond or two. */
    private void onTime(Instant due) {
        try {
            long early = Duration.between(clock.instant(), due).toMillis();
            if (early > 0) {
                Thread.sleep(early);
            }
            tick();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "A scheduled occurrence due at %s could not be handled; the next tick tries again", due);
        }
    }

    /** The valid agents' schedules, by agent. */
    private Map<String, Schedule> inForce() {
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        for (AssetEntry<AgentDefinition> entry : agents.list()) {
            if (entry instanceof AssetEntry.Valid<AgentDefinition> valid
                    && valid.value().schedule() != null) {
                schedules.put(valid.name(), valid.value().schedule());
            }
        }
        return schedules;
    }

    /** A schedule as the API shows it. */
    public record View(
            String agent,
            Schedule schedule,
            boolean paused,
            String pausedBy,
            String pausedReason,
            List<Instant> next,
            Optional<Occurrence> last,
            long missed) {}

    /** Every schedule in force, in the order of the agents. */
    public List<View> list() {
        Instant now = clock.instant();
        return inForce().entrySet().stream()
                .map(entry -> view(entry.getKey(), entry.getValue(), now))
                .toList();
    }

    /** @throws AgentryException.NotFound when the agent has no schedule in force */
    public View find(String agent) {
        return view(agent, require(agent), clock.instant());
    }

    private View view(String agent, Schedule schedule, Instant now) {
        ScheduleStore.State state = store.state(agent, now);
        boolean paused = ScheduleEngine.paused(schedule, state);
        boolean byApi = state.paused() != null && schedule.paused().equals(state.filePaused());
        Optional<Occurrence> last = store.list(agent, 20).stream()
                .filter(occurrence -> occurrence.outcome() != Occurrence.Outcome.MISSED)
                .findFirst();
        return new View(
                agent,
                schedule,
                paused,
                byApi && paused ? state.changedBy() : null,
                byApi && paused ? state.reason() : null,
                ScheduleEngine.next(schedule, now, 3),
                last,
                store.missed(agent));
    }

    public List<Occurrence> occurrences(String agent, int limit) {
        require(agent);
        return store.list(agent, limit);
    }

    /** The status of an occurrence's run, if it has one that exists. */
    public Optional<String> runStatus(Occurrence occurrence) {
        return occurrence.runId() == null ? Optional.empty() : store.runStatus(occurrence.runId());
    }

    public View pause(String agent, Actor actor) {
        engine.setPaused(agent, require(agent), true, actor, clock.instant());
        return find(agent);
    }

    public View resume(String agent, Actor actor) {
        engine.setPaused(agent, require(agent), false, actor, clock.instant());
        return find(agent);
    }

    public Occurrence trigger(String agent, Actor actor) {
        return engine.trigger(agent, require(agent), actor, clock.instant());
    }

    public List<Occurrence> backfill(String agent, Instant from, Instant to, Actor actor) {
        return engine.backfill(agent, require(agent), from, to, actor, clock.instant());
    }

    private Schedule require(String agent) {
        return Optional.ofNullable(inForce().get(agent))
                .orElseThrow(() -> new AgentryException.NotFound("agent '" + agent
                        + "' has no schedule in force; GET /v1/schedules lists the schedules, and a 'schedule'"
                        + " block in agents/" + agent + ".yaml adds one"));
    }
}
