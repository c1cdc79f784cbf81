package dev.agentry.api;

import dev.agentry.AgentryException;
import dev.agentry.access.AccessConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many event streams one caller may hold open at once ({@code agentry.http.max-streams-per-caller}):
 * each open stream holds a thread and reads the store, so one key cannot open them without bound.
 */
@ApplicationScoped
public class StreamQuota {

    private final int limit;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    StreamQuota(AccessConfig config) {
        this.limit = config.maxStreamsPerCaller();
    }

    /** An open stream's place in its caller's quota, given back when the stream ends. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes a place for one more stream of {@code caller}.
     *
     * @throws AgentryException.InvalidInput (429) when the caller already holds its limit
     */
    Permit acquire(String caller) {
        boolean[] taken = new boolean[1];
        open.compute(caller, (key, count) -> {
            int now = count == null ? 0 : count;
            taken[0] = now < limit;
            return taken[0] ? now + 1 : now;
        });
        if (!taken[0]) {
            throw new AgentryException.InvalidInput(
                    429,
                    "this key already holds the most event streams one caller may keep open (" + limit + "); close"
                            + " one, or raise agentry.http.max-streams-per-caller");
        }
        return () -> open.computeIfPresent(caller, (key, count) -> count > 1 ? count - 1 : null);
    }
}
