package dev.agentry.api;

import dev.agentry.access.AccessConfig;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing: an address that presents {@code agentry.access.max-failures} keys that are not
 * valid within {@code agentry.access.failure-window} is refused (429) until that window ends, whatever
 * key it presents meanwhile.
 */
@ApplicationScoped
public class FailedAttempts {

    /** Most addresses remembered; past it, windows that ended are forgotten first, then all. */
    private static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    private final int limit;
    private final long windowMillis;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    FailedAttempts(Clock clock, AccessConfig config) {
        this.clock = clock;
        this.limit = config.maxFailures();
        this.windowMillis = config.failureWindow().toMillis();
    }

    /** Failures of one address since {@code start}. */
    private record Window(long start, int failures) {}

    /** Milliseconds until {@code address} may try again, if it is refused now. */
    Optional<Long> refusedFor(String address) {
        Window window = windows.get(address);
        long now = clock.millis();
        if (window == null || window.failures() < limit || now - window.start() >= windowMillis) {
            return Optional.empty();
        }
        return Optional.of(window.start() + windowMillis - now);
    }

    void record(String address) {
        long now = clock.millis();
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().removeIf(window -> now - window.start() >= windowMillis);
            if (windows.size() >= MAX_ADDRESSES) {
                windows.clear();
            }
        }
        windows.merge(
                address,
                new Window(now, 1),
                (old, first) ->
                        now - old.start() >= windowMillis ? first : new Window(old.start(), old.failures() + 1));
    }

    static String address(RoutingContext context) {
        var remote = context.request().remoteAddress();
        return remote == null ? "unknown" : remote.hostAddress();
    }
}
