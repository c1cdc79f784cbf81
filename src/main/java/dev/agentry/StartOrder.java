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
    public static final int SANDBOX_WORKERS = Interceptor.Priority.PLATFORM_BEFORE;

    /**
     * The slow, independent parts of the start, each handed to a thread of its own so that they
     * overlap: the run store's migration, the demo's simulators, the toolsets.
     */
    public static final int BACKGROUND = SANDBOX_WORKERS + 1;

    private StartOrder() {}
}
