package dev.agentry.sandbox.worker.guest;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A sandbox worker process. It connects to the service over the Unix socket named on its command
 * line and watches it from then on, while its guest thread creates the engine and first context
 * (the one slow step of a cold JVM), says {@link Protocol.Ready} and runs executions one at a time,
 * reading each from the socket itself (see {@link ServiceSocket}). After answering, it closes the
 * execution's context and prepares the one the next execution will use; idle time goes to warm-up
 * rounds, which an arriving execution cancels. Its stdout and stderr are only logs: the JVM writes
 * fatal reports there (a stack overflow ends this JVM on purpose, see the service's launcher), so
 * the protocol never shares them. When the service goes away, its socket and the pipe to this
 * worker's stdin close, and the worker exits at once. With {@value #TRAIN} instead of a socket it is
 * the build's training run for the AOT cache.
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
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
        // The watcher reads the socket from the first moment, while the guest thread starts the
        // engine: a service that goes away while the worker warms up ends it at once.
        ServiceSocket socket =
                new ServiceSocket(channel, serviceGone -> Runtime.getRuntime().halt(0));
        socket.watch(true);
        GuestEngine.ToolCaller caller = (execution, call, tool, arguments, stop) ->
                awaitReply(socket, new Protocol.ToolCall(execution, call, tool, arguments), stop);
        new Thread(
                        null,
                        () -> {
                            GuestEngine engine = start(socket);
                            socket.onExecution(engine::preemptWarmUp);
                            serve(engine, socket, caller);
                        },
                        "agentry-guest",
                        GUEST_STACK_BYTES)
                .start();
        // The service holds the other end of this pipe: it closes when the service exits, however it
        // exits, so a worker busy with a long execution still ends at once without one.
        try {
            while (System.in.read() >= 0) {
                // the service writes nothing here
            }
        } catch (IOException closed) {
            // the same: the service is gone
        }
        Runtime.getRuntime().halt(0);
    }

    /** Creates the engine and its first context (the one slow step of a cold JVM), then says ready. */
    private static GuestEngine start(ServiceSocket socket) {
        long started = System.nanoTime();
        GuestEngine engine = new GuestEngine();
        WarmUp.prime(engine);
        engine.settleBaseline();
        System.err.printf(
                "agentry worker: %s engine ready in %d ms%n",
                engine.implementation(), (System.nanoTime() - started) / 1_000_000);
        try {
            socket.write(new Protocol.Ready(engine.implementation(), engine.optimized()));
        } catch (IOException serviceGone) {
            Runtime.getRuntime().halt(0);
        }
        return engine;
    }

    /**
     * The guest thread: real executions first, each read from the socket by this thread itself.
     * Warm-up rounds run only once the worker has been idle for {@link #IDLE_BEFORE_WARM_UP}, so that
     * steady traffic (which warms the engine by itself) never waits for one; while they run, the
     * socket's watcher reads, and an execution that arrives cancels the round.
     */
    private static void serve(GuestEngine engine, ServiceSocket socket, GuestEngine.ToolCaller caller) {
        // Without a compiler there is nothing to compile: the corpus loads the common paths, and the
        // light rounds would only take the CPU from the workers that are starting beside this one.
        int rounds = engine.optimized() ? WarmUp.ROUNDS : WarmUp.CORPUS_ROUNDS;
        int warmUpRounds = 0;
        boolean idle = true;
        while (true) {
            boolean warming = warmUpRounds < rounds;
            Protocol.Message next = socket.take(warming ? (idle ? 0 : IDLE_BEFORE_WARM_UP.toMillis()) : -1);
            if (next instanceof Protocol.Execute execute) {
                socket.watch(false);
                run(engine, execute, caller, socket);
                idle = false;
            } else if (next == null) {
                idle = true;
                socket.watch(true);
                WarmUp.round(engine, warmUpRounds);
                if (++warmUpRounds == rounds) {
                    engine.settleBaseline();
                    socket.watch(false);
                }
            }
            // anything else is a late answer to a tool call of an execution that has ended
        }
    }

    private static void run(
            GuestEngine engine, Protocol.Execute execute, GuestEngine.ToolCaller caller, ServiceSocket socket) {
        Protocol.Result result = engine.execute(execute, caller);
        try {
            socket.write(result);
        } catch (IOException serviceGone) {
            Runtime.getRuntime().halt(0);
        }
        if (!result.healthy()) {
            Runtime.getRuntime().halt(0);
        }
        engine.cleanUp();
        engine.prepare(execute.statements());
    }

    /** Sends the code's tool call and waits for its answer, or until the execution must stop. */
    private static String awaitReply(ServiceSocket socket, Protocol.ToolCall call, GuestEngine.Stop stop) {
        try {
            socket.write(call);
        } catch (IOException e) {
            return GuestEngine.error("the tool call could not be made");
        }
        while (stop.reason() == null) {
            if (socket.take(10) instanceof Protocol.ToolReply reply
                    && reply.execution() == call.execution()
                    && reply.call() == call.call()) {
                return reply.answer();
            }
        }
        return GuestEngine.error("the execution is stopping: " + stop.reason());
    }
}
