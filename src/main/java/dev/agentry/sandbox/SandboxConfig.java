package dev.agentry.sandbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
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

    /** Start the {@code default} profile's workers when the service starts, so the first execution is warm. */
    @WithDefault("true")
    boolean warmOnStart();

    /** How long a worker may take to start and warm up before it is given up. */
    @WithDefault("90s")
    Duration workerStartTimeout();
}
