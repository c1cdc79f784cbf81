package dev.agentry.run;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Deletes finished runs once they are older than {@code agentry.runs.retention}, so that the store
 * does not grow without limit. It looks a tenth of the retention apart (at least every second, at
 * most every ten minutes) and deletes in batches; every replica does it, and deleting a run twice is
 * harmless.
 */
@ApplicationScoped
public class RunRetention {

    private static final Logger LOG = Logger.getLogger(RunRetention.class);
    private static final int BATCH = 500;

    private final RunStore store;
    private final Clock clock;
    private final Duration retention;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("agentry-run-retention").daemon().factory());

    RunRetention(RunStore store, Clock clock, RunsConfig config) {
        this.store = store;
        this.clock = clock;
        this.retention = config.retention();
    }

    void onStart(@Observes StartupEvent event) {
        if (retention.isZero() || retention.isNegative()) {
            LOG.info("Finished runs are kept for ever (agentry.runs.retention=0)");
            return;
        }
        long every = Math.clamp(
                retention.toMillis() / 10, 1_000, Duration.ofMinutes(10).toMillis());
        timer.scheduleWithFixedDelay(this::purge, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    /** Deletes what is due, batch after batch. */
    void purge() {
        try {
            int deleted = 0;
            int batch;
            do {
                batch = store.purge(clock.instant().minus(retention), BATCH);
                deleted += batch;
            } while (batch == BATCH && !Thread.currentThread().isInterrupted());
            if (deleted > 0) {
                LOG.infof("Deleted %d finished run(s) older than %s (agentry.runs.retention)", deleted, retention);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Deleting finished runs past their retention failed; retrying later");
        }
    }
}
