package dev.agentry.run;

import dev.agentry.asset.Redactor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps this replica's claim on the runs it executes: renews their leases a third of a lease apart,
 * adopts runs whose owner stopped renewing (a crash, a kill, a restart) so that they resume from their
 * last committed step, and lets secrets that were replaced stop being masked once no run that could
 * have used them executes here.
 */
@ApplicationScoped
public class RunLeases {

    private static final Logger LOG = Logger.getLogger(RunLeases.class);

    private final RunStore store;
    private final RunExecutor executor;
    private final RunsConfig config;
    private final Clock clock;
    private final Redactor redactor;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agentry-run-leases").daemon().factory());

    RunLeases(RunStore store, RunExecutor executor, RunsConfig config, Clock clock, Redactor redactor) {
        this.store = store;
        this.executor = executor;
        this.config = config;
        this.clock = clock;
        this.redactor = redactor;
    }

    void onStart(@Observes StartupEvent event) {
        adoptOrphans(clock.instant());
        long every = Math.max(100, config.lease().toMillis() / 3);
        timer.scheduleWithFixedDelay(this::upkeep, every, every, TimeUnit.MILLISECONDS);
        long adopt = Math.max(50, config.adoptInterval().toMillis());
        timer.scheduleWithFixedDelay(this::adopt, adopt, adopt, TimeUnit.MILLISECONDS);
    }

    /**
     * A graceful stop: the runs executing here end their step in flight and are released, so another
     * replica adopts them within its adopt interval instead of after the lease; leases are renewed
     * meanwhile.
     */
    void onStop(@Observes ShutdownEvent event) {
        try {
            executor.handOver(config.shutdownGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
        }
    }

    private void upkeep() {
        try {
            Instant now = clock.instant();
            List<String> executing = executor.executing();
            if (!executing.isEmpty()) {
                store.renewLeases(executor.owner(), executing, now.plus(config.lease()));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Renewing run leases failed; retrying");
        }
        redactor.forgetRetired(executor.oldestRunning().orElseGet(clock::instant));
    }

    private void adopt() {
        if (executor.stopping()) {
            return;
        }
        try {
            adoptOrphans(clock.instant());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Looking for runs to adopt failed; retrying");
        }
    }

    /** Resumes runs whose owner stopped renewing its lease before {@code lapsedBefore}. */
    private void adoptOrphans(Instant lapsedBefore) {
        for (String runId : store.orphans(lapsedBefore, 100)) {
            if (executor.executesHere(runId)) {
                continue;
            }
            LOG.infof("Resuming run %s from its last committed step", runId);
            executor.relaunch(runId);
        }
    }
}
