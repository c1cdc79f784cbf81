package dev.agentry.asset;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Polls the asset folders so that edits take effect without a restart. Polling (every 500 ms by
 * default) rather than file-system events, because events are unreliable on mounted volumes and
 * miss atomic renames of ConfigMap symlinks.
 */
@ApplicationScoped
public class AssetWatcher {

    private static final Logger LOG = Logger.getLogger(AssetWatcher.class);

    private final List<Runnable> refreshers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;

    public AssetWatcher(AssetsConfig config) {
        poller = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("agentry-asset-watcher").daemon().factory());
        long every = Math.max(50, config.pollInterval().toMillis());
        poller.scheduleWithFixedDelay(this::refreshAll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Calls {@code refresher} on every poll; it must be quick when nothing changed. */
    public void watch(Runnable refresher) {
        refreshers.add(refresher);
    }

    private void refreshAll() {
        for (Runnable refresher : refreshers) {
            try {
                refresher.run();
            } catch (RuntimeException | Error e) {
                // Whatever one file did, the poller keeps running: an exception escaping a scheduled task
                // would cancel every later poll, and hot reload would stop for good without a word.
                LOG.errorf(e, "Reloading assets failed; the previous definitions stay in use");
            }
        }
    }

    void stop(@Observes ShutdownEvent event) {
        poller.shutdownNow();
    }
}
