package dev.agentry.sandbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How sandbox workers are found and started. */
@ConfigMapping(prefix = "agentry.sandbox")
public interface SandboxConfig {

    /**
     * The folder the build lays the worker out in ({@code sandbox-worker/}); by default found next to
     * the running application. Env {@code AGENTRY_SANDBOX_WORKER_DIR}.
     */
    Optional<String> workerDir();

    /** Run workers with the optimizing compiler when the JDK allows it; false forces the interpreter. */
    @WithDefault("true")
    boolean optimize();

    /**
     * A new pool whose workers run the optimizing compiler first starts an interpreter-only worker
     * from the build's AOT cache, ready in under a second, which serves until the first optimizing
     * worker is warm (seconds later). False: executions wait for the optimizing workers.
     */
    @WithDefault("true")
    boolean quickStart();

    /**
     * When the service starts, start the workers of every profile an agent with {@code code.run} names,
     * before the rest of the service, so that first executions find them warm.
     */
    @WithDefault("true")
    boolean warmOnStart();

    /**
     * Extra options for worker JVMs, added before the worker's own: for diagnosis (JFR, GC logs) or
     * tuning. Env {@code AGENTRY_SANDBOX_WORKER_JVM_OPTIONS}, comma-separated.
     */
    Optional<List<String>> workerJvmOptions();

    /**
     * The account workers run as when the service runs as root, so that code that escaped GraalVM
     * cannot write the asset folders or the database, nor read the service's files; {@code service}
     * keeps them on the service's account. A deployment should create an account for workers alone.
     * Ignored when the service does not run as root: it cannot switch accounts then. Env
     * {@code AGENTRY_SANDBOX_WORKER_USER}.
     */
    @WithDefault("nobody")
    String workerUser();

    /** How long a worker may take to start and warm up before it is given up. */
    @WithDefault("90s")
    Duration workerStartTimeout();
}
