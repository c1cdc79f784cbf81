package dev.agentry.run;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Live events of the runs this replica executes. Subscribers see events published after they
 * subscribe; what came before is in the {@link RunStore}. Listeners must be quick and must not
 * throw; a throwing one is dropped.
 */
@ApplicationScoped
public class RunEvents {

    private final Map<String, List<Consumer<RunEvent>>> listeners = new ConcurrentHashMap<>();

    /** Subscribes to one run's events until the returned handle is closed. */
    public AutoCloseable subscribe(String runId, Consumer<RunEvent> listener) {
        listeners.computeIfAbsent(runId, id -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(runId, (id, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    void publish(RunEvent event) {
        List<Consumer<RunEvent>> subscribed = listeners.get(event.runId());
        if (subscribed == null) {
            return;
        }
        for (Consumer<RunEvent> listener : subscribed) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                subscribed.remove(listener);
            }
        }
    }
}
