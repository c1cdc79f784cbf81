package dev.agentry.sandbox.worker.guest;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A sandbox worker process. It connects to the service over the Unix socket named on its command
 * line and reads frames from then on, while its guest thread creates the engine and first context
 * (the one slow step of a cold JVM), says {@link Protocol.Ready} and runs executions one at a time.
 * After answering, it closes the execution's context and prepares the one the next execution will
 * use; idle time goes to warm-up rounds, which an arriving execution cancels. Its stdout and stderr
 * are only logs: the JVM writes fatal reports there (a stack overflow ends this JVM on purpose, see
 * the service's launcher), so the protocol never shares them. When the service goes away, the socket
 * closes and the worker exits. With {@value #TRAIN} instead of a socket it is the build's training
 * run for the AOT cache.
 */
public final class WorkerMain {

    private static final long GUEST_STACK_BYTES = 4L * 1024 * 1024;
    private static final Duration IDLE_BEFORE_WARM_UP = Duration.ofMillis(250);

    /** The argument that makes this JVM a training run for the worker's AOT cache instead of a worker. */
    public static final String TRAIN = "--train";

    private WorkerMain() {}

    /**
     * A training run: what a worker does from launch to its first executions, without a service.
     * The build runs it with {@code -XX:AOTCacheOutput}, and the JDK writes the classes it loaded and
     * linked into the cache when it exits normally (hence exit, not halt).
     */
    private static void train() {
        GuestEngine engine = new GuestEngine();
        WarmUp.prime(engine);
        for (int round = 0; round < WarmUp.TRAINING_ROUNDS; round++) {
            WarmUp.round(engine, round);
        }
        engine.cleanUp();
        System.exit(0);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: WorkerMain <unix socket path> | --train");
            System.exit(2);
        }
        if (args[0].equals(TRAIN)) {
            train();
            return;
        }
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
        DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(socket)));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(socket)));

        BlockingQueue<Protocol.ToolReply> replies = new LinkedBlockingQueue<>();
        BlockingQueue<Protocol.Execute> executions = new LinkedBlockingQueue<>();
        AtomicReference<GuestEngine> ready = new AtomicReference<>();
        GuestEngine.ToolCaller caller = (execution, call, tool, arguments, stop) ->
                awaitReply(out, replies, new Protocol.ToolCall(execution, call, tool, arguments), stop);
        // The engine starts on the guest thread while this thread already reads the socket: a service
        // that goes away while the worker warms up ends it at once, not seconds of CPU later.
        new Thread(
                        null,
                        () -> {
                            GuestEngine engine = start(out);
                            ready.set(engine);
                            serve(engine, executions, caller, out);
                        },
                        "agentry-guest",
                        GUEST_STACK_BYTES)
                .start();
        while (true) {
            Protocol.Message message;
            try {
                message = Protocol.read(in);
            } catch (IOException serviceGone) {
                Runtime.getRuntime().halt(0);
                return;
            }
            switch (message) {
                case Protocol.Execute execute -> {
                    executions.add(execute);
                    GuestEngine engine = ready.get();
                    if (engine != null) {
                        engine.preemptWarmUp();
                    }
                }
                case Protocol.ToolReply reply -> replies.add(reply);
                default -> {
                    // the service sends nothing else
                }
            }
        }
    }

    /** Creates the engine and its first context (the one slow step of a cold JVM), then says ready. */
    private static GuestEngine start(DataOutputStream out) {
        long started = System.nanoTime();
        GuestEngine engine = new GuestEngine();
        WarmUp.prime(engine);
        engine.settleBaseline();
        System.err.printf(
                "agentry worker: %s engine ready in %d ms%n",
                engine.implementation(), (System.nanoTime() - started) / 1_000_000);
        try {
            Protocol.write(out, new Protocol.Ready(engine.implementation(), engine.optimized()));
        } catch (IOException serviceGone) {
            Runtime.getRuntime().halt(0);
        }
        return engine;
    }

    /**
     * The guest thread: real executions first. Warm-up rounds run only once the worker has been idle
     * for {@link #IDLE_BEFORE_WARM_UP}, so that steady traffic (which warms the engine by itself) never
     * waits for one.
     */
    private static void serve(
            GuestEngine engine,
            BlockingQueue<Protocol.Execute> executions,
            GuestEngine.ToolCaller caller,
            DataOutputStream out) {
        // Without a compiler there is nothing to compile: the corpus loads the common paths, and the
        // light rounds would only take the CPU from the workers that are starting beside this one.
        int rounds = engine.optimized() ? WarmUp.ROUNDS : WarmUp.CORPUS_ROUNDS;
        int warmUpRounds = 0;
        boolean idle = true;
        while (true) {
            try {
                Protocol.Execute next = warmUpRounds < rounds
                        ? executions.poll(idle ? 0 : IDLE_BEFORE_WARM_UP.toMillis(), TimeUnit.MILLISECONDS)
                        : executions.take();
                if (next != null) {
                    run(engine, next, caller, out);
                    idle = false;
                    continue;
                }
                idle = true;
                WarmUp.round(engine, warmUpRounds);
                if (++warmUpRounds == rounds) {
                    engine.settleBaseline();
                }
            } catch (InterruptedException e) {
                Runtime.getRuntime().halt(0);
            }
        }
    }

    private static void run(
            GuestEngine engine, Protocol.Execute execute, GuestEngine.ToolCaller caller, DataOutputStream out) {
        Protocol.Result result = engine.execute(execute, caller);
        try {
            Protocol.write(out, result);
        } catch (IOException serviceGone) {
            Runtime.getRuntime().halt(0);
        }
        if (!result.healthy()) {
            Runtime.getRuntime().halt(0);
        }
        engine.cleanUp();
        engine.prepare(execute.statements());
    }

    private static String awaitReply(
            DataOutputStream out,
            BlockingQueue<Protocol.ToolReply> replies,
            Protocol.ToolCall call,
            GuestEngine.Stop stop) {
        try {
            Protocol.write(out, call);
            while (stop.reason() == null) {
                Protocol.ToolReply reply = replies.poll(10, TimeUnit.MILLISECONDS);
                if (reply != null && reply.execution() == call.execution() && reply.call() == call.call()) {
                    return reply.answer();
                }
            }
            return GuestEngine.error("the execution is stopping: " + stop.reason());
        } catch (IOException | InterruptedException e) {
            return GuestEngine.error("the tool call could not be made");
        }
    }
}
