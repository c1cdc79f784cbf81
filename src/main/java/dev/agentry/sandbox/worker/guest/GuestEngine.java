package dev.agentry.sandbox.worker.guest;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * Runs guest JavaScript, one execution at a time, each in a fresh {@link SandboxPolicy#CONSTRAINED}
 * context on one shared engine (so compiled code is reused, state is not). Every execution is
 * bounded: statements by a resource limit, wall-clock time by a watchdog that interrupts and then
 * cancels, heap by a GC listener, output by {@link Capture}, tool calls by a counter, the result by
 * its length. Errors the guest sees never name host classes.
 */
final class GuestEngine {

    /** Asks the service to run a tool for the guest and returns the answer as JSON text. */
    interface ToolCaller {
        String call(long execution, int call, String tool, String arguments, Stop stop);
    }

    private static final Source PRELUDE =
            Source.newBuilder("js", Prelude.SOURCE, "prelude.js").cached(true).buildLiteral();
    private static final Duration INTERRUPT_GRACE = Duration.ofMillis(100);
    private static final Duration IDLE_WATCH = Duration.ofMinutes(1);
    private static final Duration CANCEL_WATCH = Duration.ofMillis(10);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Sources seen lately, by text: repeated code keeps its parsed and compiled form; one-off code is let go. */
    private static final int RECENT_SOURCES = 64;

    private final Map<String, Source> recentSources = new LinkedHashMap<>(RECENT_SOURCES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Source> eldest) {
            return size() > RECENT_SOURCES;
        }
    };

    private final Engine engine;
    private final boolean optimized;
    /** Cancels executions that must stop; it has work only when a limit is reached. */
    private final ExecutorService watchdog = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("agentry-watchdog").daemon().factory());
    /** Stops the execution in progress when its time is up; see {@link #watchDeadlines}. */
    private final Thread deadlines =
            Thread.ofPlatform().name("agentry-deadlines").daemon().unstarted(this::watchDeadlines);
    /** When {@link #deadlines} wakes up next, by {@link System#nanoTime}. */
    private volatile long wakeAt;

    private volatile Stop current;
    /** A real execution is waiting: a warm-up round that starts now ends at once. */
    private volatile boolean executionWaiting;

    private volatile long baselineHeap;
    /** A context made after the last execution and not used since, so the next one skips the setup. */
    private Spare spare;
    /** The last execution's context, closed once its result is on its way rather than before. */
    private Context spent;

    /**
     * A fresh context whose realm is initialised and whose prelude is evaluated, but which no guest
     * code has touched: a context in waiting, not a reused one.
     */
    private record Spare(Context context, Capture capture, Value prelude, long statements) {}

    GuestEngine() {
        engine = Engine.newBuilder("js")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        optimized = !engine.getImplementationName().equals("Interpreted");
        watchHeap();
        deadlines.start();
    }

    String implementation() {
        return engine.getImplementationName();
    }

    boolean optimized() {
        return optimized;
    }

    /** Why an execution must stop, set once; the first reason wins and cancels the context. */
    final class Stop {
        private final AtomicReference<String> reason = new AtomicReference<>();
        private final long memoryBytes;
        private final boolean warmUp;
        private final long guestThread = Thread.currentThread().threadId();
        private final long allocatedBefore = allocated(guestThread);
        private volatile Context context;
        /** When the execution's time is up, by {@link System#nanoTime}; set before it becomes current. */
        private long deadline;

        Stop(long memoryBytes, boolean warmUp) {
            this.memoryBytes = memoryBytes;
            this.warmUp = warmUp;
        }

        /** Bytes the guest thread allocated since this execution began. */
        long allocatedByGuest() {
            return allocated(guestThread) - allocatedBefore;
        }

        void request(String why) {
            if (reason.compareAndSet(null, why)) {
                watchdog.execute(this::cancel);
            }
        }

        String reason() {
            return reason.get();
        }

        /** Interrupts, then cancels; a warm-up round, which nobody waits for, is cancelled at once. */
        private void cancel() {
            Context running = context;
            if (running == null) {
                return;
            }
            if (!warmUp) {
                try {
                    running.interrupt(INTERRUPT_GRACE);
                } catch (java.util.concurrent.TimeoutException | RuntimeException notInTime) {
                    // it did not stop at the next safepoint: cancel outright
                }
            }
            try {
                running.close(true);
            } catch (RuntimeException alreadyClosed) {
                // the execution ended meanwhile
            }
        }
    }

    /**
     * Cancels a warm-up round in progress (execution id 0), or the one about to start, so that a real
     * execution starts at once; {@link #execute} clears the request when it runs a real execution.
     */
    void preemptWarmUp() {
        executionWaiting = true;
        Stop stop = current;
        if (stop != null && stop.warmUp) {
            stop.request("preempted");
        }
    }

    /** Measures the heap the engine itself needs, after warm-up, so limits count only the guest's. */
    void settleBaseline() {
        System.gc();
        baselineHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    Protocol.Result execute(Protocol.Execute execution, ToolCaller tools) {
        boolean warmUp = execution.id() == 0;
        if (!warmUp) {
            executionWaiting = false;
        }
        cleanUp();
        Stop stop = new Stop(execution.memoryBytes(), warmUp);
        AtomicInteger calls = new AtomicInteger();
        long started = System.nanoTime();
        Spare ready = warmUp ? null : takeSpare(execution.statements());
        if (ready == null) {
            ready = spare(execution.statements());
        }
        Context context = ready.context();
        Capture capture = ready.capture();
        capture.arm(execution.outputBytes(), () -> stop.request("output"));
        context.resetLimits();
        stop.context = context;
        stop.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(execution.timeoutMillis());
        current = stop;
        // after current is set, so that a preemption either sees this round or is seen here
        if (warmUp && executionWaiting) {
            stop.request("preempted");
        }
        if (stop.deadline - wakeAt < 0) {
            LockSupport.unpark(deadlines);
        }
        String outcome;
        String limit = null;
        String value;
        boolean healthy = true;
        try {
            ProxyExecutable bridge = arguments -> bridge(execution, tools, stop, calls, arguments);
            Value toJson =
                    ready.prelude().execute(bridge, execution.input(), execution.tools(), execution.resultBytes());
            Value result = context.eval(source(execution.source()));
            result = settle(result);
            Value json = toJson.execute(result, execution.resultBytes());
            if (json.isNull()) {
                outcome = "limit";
                limit = "result";
                value = "the result is longer than " + execution.resultBytes() + " characters of JSON";
            } else {
                outcome = "completed";
                value = json.asString();
            }
        } catch (PolyglotException e) {
            String reason = stop.reason();
            if (reason != null) {
                outcome = "limit";
                limit = reason;
                value = "stopped: " + explain(reason, execution);
            } else if (e.isResourceExhausted()) {
                outcome = "limit";
                limit = "statements";
                value = "stopped: " + explain("statements", execution);
            } else if (e.isGuestException() && !e.isInternalError()) {
                outcome = "error";
                value = describe(e);
            } else {
                outcome = "error";
                value = "the sandbox failed internally while running the code; it was replaced";
                healthy = false;
            }
        } catch (Settle unsettled) {
            outcome = "error";
            value = unsettled.getMessage();
        } catch (RuntimeException | Error e) {
            outcome = "error";
            value = "the sandbox failed internally while running the code; it was replaced";
            healthy = false;
        } finally {
            current = null;
            stop.context = null;
            spent = context;
            if (warmUp) {
                cleanUp();
            }
        }
        long durationMillis = (System.nanoTime() - started) / 1_000_000;
        return new Protocol.Result(
                execution.id(),
                outcome,
                limit,
                value,
                capture.stdoutText(),
                capture.stderrText(),
                durationMillis,
                healthy);
    }

    /**
     * The deadline thread. It sleeps until the current execution's deadline, or for a long while when
     * none runs, and an execution wakes it only when it must end earlier than that. Executions that end
     * in time (nearly all) therefore cost it nothing: a timer scheduled and cancelled per execution
     * woke a thread every time, for 10–15% of a small execution's CPU. Each side writes its own
     * field before it reads the other's, so one of them always sees the other's change.
     */
    private void watchDeadlines() {
        while (true) {
            long now = System.nanoTime();
            Stop stop = current;
            long until = stop == null ? now + IDLE_WATCH.toNanos() : stop.deadline;
            if (stop != null && until - now <= 0) {
                stop.request("timeout");
                // look again shortly: the execution is being cancelled, and another may follow
                until = now + CANCEL_WATCH.toNanos();
            }
            wakeAt = until;
            if (current == stop) {
                LockSupport.parkNanos(until - now);
            }
        }
    }

    /** Closes the last execution's context; the worker calls it after sending the result. */
    void cleanUp() {
        Context closing = spent;
        spent = null;
        if (closing != null) {
            try {
                closing.close(true);
            } catch (RuntimeException alreadyClosed) {
                // cancelled by the watchdog
            }
        }
    }

    /**
     * Makes the context the next execution with this statement limit will use, while nobody waits:
     * the realm's set-up is the largest fixed cost of an execution.
     */
    void prepare(long statements) {
        if (spare == null) {
            try {
                spare = spare(statements);
            } catch (RuntimeException e) {
                // the next execution makes its own and reports what is wrong
            }
        }
    }

    private Spare takeSpare(long statements) {
        Spare taken = spare;
        spare = null;
        if (taken != null && taken.statements() != statements) {
            taken.context().close(true);
            return null;
        }
        return taken;
    }

    private Spare spare(long statements) {
        Capture capture = new Capture();
        Context context = context(statements, capture);
        try {
            return new Spare(context, capture, context.eval(PRELUDE), statements);
        } catch (RuntimeException e) {
            context.close(true);
            throw e;
        }
    }

    private synchronized Source source(String text) {
        return recentSources.computeIfAbsent(
                text,
                code -> Source.newBuilder("js", code, "code.js").cached(true).buildLiteral());
    }

    private static long allocated(long threadId) {
        return THREADS.getThreadAllocatedBytes(threadId);
    }

    private Context context(long statements, Capture capture) {
        return Context.newBuilder("js")
                .engine(engine)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(capture.stdout())
                .err(capture.stderr())
                .in(java.io.InputStream.nullInputStream())
                .resourceLimits(ResourceLimits.newBuilder()
                        .statementLimit(statements, null)
                        .build())
                .option("js.console", "true")
                .option("js.print", "false")
                .option("js.load", "false")
                .option("js.graal-builtin", "false")
                .build();
    }

    /** The one host function guest code can reach. It never throws: every problem is an {@code error} answer. */
    private static Object bridge(
            Protocol.Execute execution, ToolCaller tools, Stop stop, AtomicInteger calls, Value... arguments) {
        try {
            if (arguments.length != 2 || !arguments[0].isString() || !arguments[1].isString()) {
                return error("tools are called as tools.<toolset>.<tool>(arguments)");
            }
            int call = calls.incrementAndGet();
            if (call > execution.toolCalls()) {
                stop.request("tool-calls");
                return error("the code made more than " + execution.toolCalls() + " tool calls");
            }
            return tools.call(execution.id(), call, arguments[0].asString(), arguments[1].asString(), stop);
        } catch (RuntimeException e) {
            return error("the tool call could not be made");
        }
    }

    static String error(String message) {
        return "{\"error\":" + quote(message) + "}";
    }

    /** A returned Promise is awaited; its jobs run when control returns from the host call. */
    private static Value settle(Value result) {
        if (result == null || !result.canInvokeMember("then")) {
            return result;
        }
        Value[] settled = new Value[1];
        String[] rejected = new String[1];
        result.invokeMember(
                "then",
                (ProxyExecutable) arguments -> settled[0] = arguments.length > 0 ? arguments[0] : null,
                (ProxyExecutable) arguments -> {
                    rejected[0] = arguments.length > 0 ? String.valueOf(arguments[0]) : "undefined";
                    return null;
                });
        if (rejected[0] != null) {
            throw new Settle("the Promise the code returned was rejected: " + rejected[0]);
        }
        if (settled[0] == null) {
            throw new Settle("the code returned a Promise that never settled (the sandbox has no timers or I/O)");
        }
        return settled[0];
    }

    private static final class Settle extends RuntimeException {
        Settle(String message) {
            super(message, null, false, false);
        }
    }

    /** The guest's error with its guest-code frames only: what a JavaScript developer would see. */
    private static String describe(PolyglotException e) {
        StringJoiner text = new StringJoiner("\n    at ");
        text.add(e.getMessage() == null ? "Error" : e.getMessage());
        int frames = 0;
        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
            if (frame.isGuestFrame()
                    && frame.getSourceLocation() != null
                    && "code.js".equals(frame.getSourceLocation().getSource().getName())
                    && frames++ < 10) {
                String name = frame.getRootName() == null || frame.getRootName().isEmpty()
                        ? "<anonymous>"
                        : frame.getRootName();
                text.add(name + " (code.js:" + frame.getSourceLocation().getStartLine() + ")");
            }
        }
        return text.toString();
    }

    private static String explain(String limit, Protocol.Execute execution) {
        return switch (limit) {
            case "timeout" -> "the code ran longer than " + execution.timeoutMillis() + " ms";
            case "statements" -> "the code executed more than " + execution.statements() + " statements";
            case "memory" -> "the code used more than " + execution.memoryBytes() / (1024 * 1024) + " MiB of memory";
            case "output" -> "the code printed more than " + execution.outputBytes() + " bytes";
            case "tool-calls" -> "the code made more than " + execution.toolCalls() + " tool calls";
            default -> "a limit was reached: " + limit;
        };
    }

    /**
     * Stops an execution whose live data outgrows its limit. Only major collections count: after one,
     * the heap holds live data alone, not the garbage of the guest or of the compiler (which shares the
     * heap and builds large short-lived graphs). The guest must also have allocated at least its limit
     * in this execution, so the engine's own growth is never blamed on it.
     */
    private void watchHeap() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(
                        (notification, handback) -> {
                            Stop stop = current;
                            if (stop == null
                                    || !GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                                            notification.getType())) {
                                return;
                            }
                            var info =
                                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                            if (!info.getGcAction().contains("major")) {
                                return;
                            }
                            long live = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                                    .mapToLong(MemoryUsage::getUsed)
                                    .sum();
                            if (live - baselineHeap > stop.memoryBytes && stop.allocatedByGuest() > stop.memoryBytes) {
                                stop.request("memory");
                            }
                        },
                        null,
                        null);
            }
        }
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
