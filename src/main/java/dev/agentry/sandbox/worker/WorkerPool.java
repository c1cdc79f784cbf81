package dev.agentry.sandbox.worker;

import dev.agentry.sandbox.SandboxProfile;
import dev.agentry.sandbox.ToolBridge;
import dev.agentry.sandbox.worker.guest.Protocol;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The warm workers of one sandbox profile. A worker goes back to the pool after an execution it
 * ended by itself, limits included; one that had to be killed (it overran its deadline), ran out of
 * memory or stack, or failed internally is discarded and a fresh one is started in the background,
 * so the pool re-warms by itself. One that served its quota keeps serving until its successor is
 * warm, and leaves then. A new pool first starts, where it can, a quick worker (the interpreter, from
 * the JDK's AOT cache: ready in under a second) and then its optimizing workers; the quick one serves
 * until the first of them is warm, and leaves then the same way.
 */
final class WorkerPool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class);
    /** How long the service waits, past the execution's own timeout, for a worker to answer. */
    static final Duration GRACE = Duration.ofMillis(500);
    /** How long a quick worker serves alone at most before the pool's own workers start. */
    static final Duration QUICK_ALONE = Duration.ofSeconds(10);

    /** Starts the workers of this pool. */
    interface Starter {
        WorkerProcess start(SandboxProfile profile) throws IOException;

        /**
         * Starts a worker that is ready fast but runs slower code, to serve until the first worker
         * {@link #start} makes is warm.
         *
         * @return null when there is no such worker to start
         */
        WorkerProcess startQuick(SandboxProfile profile) throws IOException;
    }

    private final SandboxProfile profile;
    private final Starter starter;
    private final BlockingQueue<WorkerProcess> idle = new LinkedBlockingQueue<>();
    private final Set<WorkerProcess> all = ConcurrentHashMap.newKeySet();
    /** Workers past their quota whose successor is starting; they serve until it is ready. */
    private final Set<WorkerProcess> retiring = ConcurrentHashMap.newKeySet();
    /** Workers whose successor is ready; they leave when their current execution ends. */
    private final Set<WorkerProcess> retired = ConcurrentHashMap.newKeySet();

    private final AtomicInteger started = new AtomicInteger();
    /** The quick worker the pool started with, if any; its first execution lets the others start. */
    private volatile WorkerProcess quick;

    private final CountDownLatch quickServed = new CountDownLatch(1);
    private volatile boolean closed;

    WorkerPool(SandboxProfile profile, Starter starter) {
        this.profile = profile;
        this.starter = starter;
        Thread.ofVirtual().name("sandbox-pool-" + profile.name()).start(this::fill);
    }

    /**
     * Starts the quick worker, if there is one, then the pool's workers; the first of those retires
     * the quick one. They start once the quick one has served its first execution (or after {@link
     * #QUICK_ALONE} without one), not beside it: optimizing workers take seconds of both cores to
     * start, which a service that is itself still starting, or running its first execution, needs more.
     */
    private void fill() {
        WorkerProcess quick = null;
        try {
            quick = starter.startQuick(profile);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("No quick sandbox worker for profile '%s' (%s)", profile.name(), e.getMessage());
        }
        if (quick != null) {
            if (!admit(quick)) {
                return;
            }
            retiring.add(quick);
            this.quick = quick;
            idle.offer(quick);
            try {
                quickServed.await(QUICK_ALONE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (int i = 0; i < profile.pool().size(); i++) {
            replenish(Duration.ZERO, i == 0 ? quick : null);
        }
    }

    SandboxProfile profile() {
        return profile;
    }

    /**
     * Runs one execution on a free worker, waiting up to {@code wait} for one.
     *
     * @return null when no worker became free in time
     */
    Protocol.Result execute(Protocol.Execute execution, ToolBridge tools, Duration wait) throws InterruptedException {
        WorkerProcess worker = idle.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (worker == null) {
            return null;
        }
        Protocol.Result result = null;
        try {
            result = worker.execute(
                    execution,
                    tools,
                    Duration.ofMillis(execution.timeoutMillis()).plus(GRACE));
            return result;
        } finally {
            release(worker, result);
        }
    }

    private void release(WorkerProcess worker, Protocol.Result result) {
        if (worker == quick) {
            quickServed.countDown();
        }
        if (closed || retired.remove(worker)) {
            discard(worker);
            return;
        }
        boolean healthy = result != null && result.healthy() && !"memory".equals(result.limit()) && worker.alive();
        if (!healthy) {
            boolean successorComing = retiring.contains(worker);
            discard(worker);
            if (!successorComing) {
                replenish(Duration.ZERO, null);
            }
            return;
        }
        if (worker.executions() >= quota(worker) && retiring.add(worker)) {
            // Make before break: the worker keeps serving until its successor is warm, so a pool whose
            // workers all reach their quota never stands empty while new JVMs start.
            replenish(Duration.ZERO, worker);
        }
        idle.offer(worker);
    }

    /**
     * A worker's quota: the profile's, less up to a fifth that differs per worker, so that the workers
     * of a pool, which share the traffic evenly, do not all reach it at the same moment.
     */
    private int quota(WorkerProcess worker) {
        int max = profile.pool().maxExecutionsPerWorker();
        return max - Math.floorMod(System.identityHashCode(worker), Math.max(1, max / 5));
    }

    /** A successor is warm: the worker it replaces leaves now if idle, or when its execution ends. */
    private void retire(WorkerProcess predecessor) {
        retiring.remove(predecessor);
        if (idle.remove(predecessor)) {
            discard(predecessor);
        } else if (all.contains(predecessor)) {
            retired.add(predecessor);
        }
    }

    private void discard(WorkerProcess worker) {
        all.remove(worker);
        retiring.remove(worker);
        Thread.ofVirtual().start(worker::close);
    }

    /** Counts a worker that has started as the pool's, or closes it when the pool closed meanwhile. */
    private boolean admit(WorkerProcess worker) {
        if (closed) {
            worker.close();
            return false;
        }
        started.incrementAndGet();
        all.add(worker);
        return true;
    }

    /**
     * Starts a worker in the background and adds it to the pool, retiring {@code predecessor} (if
     * any) once it is ready; retries with growing pauses on failure.
     */
    private void replenish(Duration pause, WorkerProcess predecessor) {
        if (closed) {
            return;
        }
        Thread.ofVirtual().name("sandbox-pool-" + profile.name()).start(() -> {
            try {
                Thread.sleep(pause);
                WorkerProcess worker = starter.start(profile);
                if (!admit(worker)) {
                    return;
                }
                idle.offer(worker);
                if (predecessor != null) {
                    retire(predecessor);
                }
            } catch (IOException | RuntimeException e) {
                Duration next = pause.isZero() ? Duration.ofSeconds(1) : pause.multipliedBy(2);
                Duration capped = next.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : next;
                LOG.warnf(
                        "A sandbox worker for profile '%s' did not start (%s); retrying in %d s",
                        profile.name(), e.getMessage(), capped.toSeconds());
                replenish(capped, predecessor);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** How many workers this pool has started, replacements included. */
    int startedWorkers() {
        return started.get();
    }

    /** What the pool's workers run ({@code Interpreted} or the compiler's name), one entry each. */
    List<String> implementations() {
        return all.stream().map(worker -> worker.ready().implementation()).toList();
    }

    /** Workers warm and free right now. */
    int idleWorkers() {
        return idle.size();
    }

    @Override
    public void close() {
        closed = true;
        quickServed.countDown();
        all.forEach(WorkerProcess::close);
        all.clear();
        idle.clear();
    }
}
