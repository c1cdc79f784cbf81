package dev.agentry.asset;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Hot reload survives whatever one reload does. */
class AssetWatcherTest {

    private static AssetsConfig polling(Duration every) {
        return new AssetsConfig() {
            @Override
            public String agentsDir() {
                return "agents";
            }

            @Override
            public String toolsDir() {
                return "tools";
            }

            @Override
            public String policiesDir() {
                return "policies";
            }

            @Override
            public String sandboxDir() {
                return "sandbox";
            }

            @Override
            public Optional<String> secretsFile() {
                return Optional.empty();
            }

            @Override
            public Duration pollInterval() {
                return every;
            }
        };
    }

    @Test
    void the_watcher_keeps_polling_after_a_reload_that_failed_with_an_error() throws Exception {
        AssetWatcher watcher = new AssetWatcher(polling(Duration.ofMillis(50)));
        AtomicInteger calls = new AtomicInteger();
        watcher.watch(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Java heap space (a file that expanded too far)");
            }
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (calls.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertThat(calls.get()).as("reloads, the failed one included").isGreaterThanOrEqualTo(3);
        } finally {
            watcher.stop(null);
        }
    }
}
