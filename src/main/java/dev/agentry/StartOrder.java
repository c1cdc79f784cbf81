package dev.agentry;

import jakarta.interceptor.Interceptor;

/**
 * The order of Agentry's own work when the service starts, as the priorities of its {@code
 * StartupEvent} observers (lower goes first); all of it comes before the start's {@code @Startup} beans.
 */
public final class StartOrder {

    /**
     * The sandbox's workers: separate JVMs that take a second or more to boot, launched first of all so
     * that they boot while the service does; the first {@code code.run} usually waits for them.
     */
    public static final int SANDBOX_WORKERS = Interceptor.Priority.PLATFORM_BEFORE - 3;

    /**
     * The slow, independent parts of the start, each handed to a thread of its own so that they
     * overlap: the run store's migration, the demo's simulators, the toolsets.
     */
    public static final int BACKGROUND = SANDBOX_WORKERS + 1;

    /**
     * The run store opened and migrated, waited for: Quartz, which starts at {@code PLATFORM_BEFORE},
     * reads its tables as it starts.
     */
    public static final int STORE_READY = Interceptor.Priority.PLATFORM_BEFORE - 1;

    private StartOrder() {}

    /**
     * Starts {@code work} on a daemon thread of its own, for the {@link #BACKGROUND} observers. The
     * work is getting a bean ready ahead of need; whatever needs the bean later waits for it or, if
     * this attempt failed, does the work again and fails the start there with the reason, so a failure
     * here is left for that attempt to report rather than logged twice.
     */
    public static void inBackground(String name, Runnable work) {
        Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                work.run();
            } catch (RuntimeException reportedWhereNeeded) {
                // see above
            }
        });
    }
}
