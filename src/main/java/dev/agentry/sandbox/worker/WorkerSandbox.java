package dev.agentry.sandbox.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.sandbox.CodeExecution;
import dev.agentry.sandbox.CodeSandbox;
import dev.agentry.sandbox.ExecutionResult;
import dev.agentry.sandbox.SandboxCatalog;
import dev.agentry.sandbox.SandboxConfig;
import dev.agentry.sandbox.SandboxProfile;
import dev.agentry.sandbox.ToolBridge;
import dev.agentry.sandbox.worker.guest.Protocol;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * {@link CodeSandbox} on pools of worker JVMs, one pool per profile. Workers use the optimizing
 * compiler where the JDK allows it; if that fails, every worker falls back to the interpreter and the
 * service says why, once.
 */
@ApplicationScoped
public class WorkerSandbox implements CodeSandbox {

    private static final Logger LOG = Logger.getLogger(WorkerSandbox.class);
    /** Heap a worker needs beyond what its code may use: the engine, compiled code, buffers. */
    private static final long HEAP_HEADROOM = 256L * 1024 * 1024;

    private static final Duration LONGEST_WAIT_FOR_A_WORKER = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxConfig config;
    private final SandboxCatalog profiles;
    /** Pools by profile name, or by profile and agent for a profile whose pool is {@code per-agent}. */
    private final Map<String, WorkerPool> pools = new ConcurrentHashMap<>();

    private final AtomicLong ids = new AtomicLong();
    private volatile WorkerLauncher launcher;
    private volatile Boolean optimize;
    private volatile String implementation = "no worker started yet";
    private final AtomicBoolean cacheWarned = new AtomicBoolean();
    private final WorkerPool.Starter starter = new WorkerPool.Starter() {
        @Override
        public WorkerProcess start(SandboxProfile profile) throws IOException {
            return startWorker(profile);
        }

        @Override
        public WorkerProcess startQuick(SandboxProfile profile) throws IOException {
            return startQuickWorker(profile);
        }
    };

    public WorkerSandbox(SandboxConfig config, SandboxCatalog profiles) {
        this.config = config;
        this.profiles = profiles;
    }

    @Override
    public void prepare(SandboxProfile profile) {
        if (profile.pool().perAgent()) {
            // Each agent's pool starts when that agent first runs code; there is no shared one to warm.
            return;
        }
        try {
            pool(profile);
        } catch (IllegalStateException e) {
            LOG.warnf("Code execution is not available: %s", e.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        pools.values().forEach(WorkerPool::close);
        pools.clear();
    }

    /** The GraalVM runtime the workers report: {@code GraalVM CE} with the compiler, {@code Interpreted} without. */
    public String implementation() {
        return implementation;
    }

    @Override
    public ExecutionResult execute(SandboxProfile profile, CodeExecution execution, ToolBridge tools) {
        long sourceBytes = execution.source().getBytes(StandardCharsets.UTF_8).length;
        if (sourceBytes > profile.limits().source().bytes()) {
            return new ExecutionResult.Failed(
                    "the code is " + sourceBytes + " bytes; the sandbox profile '" + profile.name() + "' allows "
                            + profile.limits().source() + ". Send less code, and data through input or tools",
                    "",
                    "",
                    0);
        }
        Duration left = Duration.between(Instant.now(), execution.deadline());
        if (left.isNegative() || left.isZero()) {
            return new ExecutionResult.Stopped("timeout", "no time was left for the code to run", "", "", 0);
        }
        WorkerPool pool;
        try {
            pool = pool(profile, execution.agent());
        } catch (IllegalStateException e) {
            return new ExecutionResult.Failed("code execution is not available: " + e.getMessage(), "", "", 0);
        }
        Duration timeout = min(profile.limits().timeout(), left);
        Protocol.Execute request = request(profile, execution, timeout);
        try {
            Protocol.Result result = pool.execute(request, tools, min(LONGEST_WAIT_FOR_A_WORKER, left));
            if (result == null) {
                return new ExecutionResult.Stopped(
                        "timeout", "no sandbox worker became free in time; try again or enlarge the pool", "", "", 0);
            }
            return result(result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExecutionResult.Stopped("timeout", "the execution was interrupted", "", "", 0);
        }
    }

    private Protocol.Execute request(SandboxProfile profile, CodeExecution execution, Duration timeout) {
        SandboxProfile.Limits limits = profile.limits();
        try {
            return new Protocol.Execute(
                    ids.incrementAndGet(),
                    execution.source(),
                    execution.input() == null ? null : JSON.writeValueAsString(execution.input()),
                    JSON.writeValueAsString(execution.tools()),
                    Math.max(1, timeout.toMillis()),
                    limits.statements(),
                    (int) limits.output().bytes(),
                    limits.toolCalls(),
                    (int) limits.result().bytes(),
                    limits.memory().bytes());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ExecutionResult result(Protocol.Result result) {
        String stdout = result.stdout() == null ? "" : result.stdout();
        String stderr = result.stderr() == null ? "" : result.stderr();
        return switch (result.outcome()) {
            case "completed" -> {
                try {
                    yield new ExecutionResult.Completed(
                            JSON.readTree(result.value()), stdout, stderr, result.durationMillis());
                } catch (JsonProcessingException e) {
                    yield new ExecutionResult.Failed(
                            "the code's result was not JSON", stdout, stderr, result.durationMillis());
                }
            }
            case "limit" ->
                new ExecutionResult.Stopped(result.limit(), result.value(), stdout, stderr, result.durationMillis());
            default -> new ExecutionResult.Failed(result.value(), stdout, stderr, result.durationMillis());
        };
    }

    /** The shared pool for {@code profile}, started on first use and replaced when the profile changes. */
    WorkerPool pool(SandboxProfile profile) {
        return pool(profile, null);
    }

    /** The keys of the pools started so far: profile names, and profile/agent for per-agent pools. */
    java.util.Set<String> poolKeys() {
        return java.util.Set.copyOf(pools.keySet());
    }

    /**
     * The pool that runs {@code agent}'s code under {@code profile}: the profile's own, or the agent's
     * when the profile gives each agent workers of its own.
     */
    WorkerPool pool(SandboxProfile profile, String agent) {
        launcher();
        String key = profile.pool().perAgent() && agent != null ? profile.name() + "/" + agent : profile.name();
        return pools.compute(key, (name, existing) -> {
            if (existing != null && existing.profile().equals(profile)) {
                return existing;
            }
            if (existing != null) {
                existing.close();
            }
            return new WorkerPool(profile, starter);
        });
    }

    private WorkerProcess startWorker(SandboxProfile profile) throws IOException {
        long heap = profile.limits().memory().bytes() + HEAP_HEADROOM;
        WorkerLauncher located = launcher();
        WorkerProcess worker = optimize == null ? firstWorker(located, heap) : null;
        if (worker == null) {
            worker = WorkerProcess.start(
                    located,
                    optimize ? WorkerLauncher.Kind.OPTIMIZING : WorkerLauncher.Kind.INTERPRETER,
                    heap,
                    config.workerStartTimeout());
        }
        LOG.debugf(
                "Sandbox worker for profile '%s' ready (%s)",
                profile.name(), worker.ready().implementation());
        return worker;
    }

    /**
     * An interpreter-only worker from the build's AOT cache, for a pool whose own workers will run the
     * optimizing compiler: it is ready in under a second where they take seconds. None when the
     * workers run the interpreter anyway, or there is no cache.
     */
    private WorkerProcess startQuickWorker(SandboxProfile profile) throws IOException {
        if (!config.quickStart() || !config.optimize() || Boolean.FALSE.equals(optimize)) {
            return null;
        }
        WorkerLauncher located = launcher();
        if (!located.canOptimize() || !located.hasCache()) {
            return null;
        }
        WorkerProcess worker = WorkerProcess.start(
                located,
                WorkerLauncher.Kind.QUICK,
                profile.limits().memory().bytes() + HEAP_HEADROOM,
                config.workerStartTimeout());
        if (worker.logMentions("[aot]") && cacheWarned.compareAndSet(false, true)) {
            LOG.warnf(
                    "The sandbox worker's AOT cache (%s) did not load, so quick workers start slower; it was"
                            + " built for another JDK or another location of the worker: rebuild Agentry",
                    located.dir().resolve(WorkerLauncher.CACHE));
        }
        LOG.debugf(
                "Quick sandbox worker for profile '%s' ready; it serves until an optimizing one is warm",
                profile.name());
        return worker;
    }

    /**
     * Starts the first worker with the optimizing compiler, which decides for all later ones: if it
     * cannot start that way, every worker runs the interpreter, and the log says why, once.
     *
     * @return the started worker, or null when the decision was already taken by another thread
     */
    private synchronized WorkerProcess firstWorker(WorkerLauncher located, long heap) {
        if (optimize != null) {
            return null;
        }
        if (!config.optimize()) {
            LOG.info("Sandbox workers run the GraalJS interpreter: agentry.sandbox.optimize is false");
            optimize = false;
            return null;
        }
        if (!located.canOptimize()) {
            LOG.warn("Sandbox workers run the GraalJS interpreter: the optimizing compiler is not laid out next to"
                    + " the worker (" + located.dir().resolve("upgrade") + "); rebuild Agentry to get it");
            optimize = false;
            return null;
        }
        try {
            WorkerProcess worker =
                    WorkerProcess.start(located, WorkerLauncher.Kind.OPTIMIZING, heap, config.workerStartTimeout());
            optimize = worker.ready().optimized();
            implementation = worker.ready().implementation();
            if (optimize) {
                LOG.infof(
                        "Sandbox workers run with the optimizing compiler (%s)",
                        worker.ready().implementation());
            } else {
                LOG.warnf(
                        "Sandbox workers run the GraalJS interpreter: the JDK did not enable the compiler (%s)",
                        worker.ready().implementation());
            }
            return worker;
        } catch (IOException e) {
            LOG.warnf(
                    "Sandbox workers run the GraalJS interpreter: the optimizing compiler could not start (%s)",
                    e.getMessage());
            optimize = false;
            return null;
        }
    }

    private WorkerLauncher launcher() {
        WorkerLauncher located = launcher;
        if (located == null) {
            located = WorkerLauncher.locate(
                    config.workerDir(), config.workerJvmOptions().orElse(List.of()), config.workerUser());
            launcher = located;
            LOG.infof("Sandbox workers get: %s", located.confinement().describe());
        }
        return located;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
