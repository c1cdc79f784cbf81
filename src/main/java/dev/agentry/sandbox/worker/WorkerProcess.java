package dev.agentry.sandbox.worker;

import dev.agentry.sandbox.ToolBridge;
import dev.agentry.sandbox.worker.guest.Protocol;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * One worker JVM and the socket to it. It runs one execution at a time; while it does, tool calls
 * from the code arrive on the socket and are answered through the execution's {@link ToolBridge}.
 * The service never trusts the worker to stop: an execution that is not answered by its hard deadline
 * ends with the process killed.
 */
final class WorkerProcess implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkerProcess.class);
    private static final int LOG_LINES = 40;
    /** The most of one line of a worker's output that is kept. */
    static final int LINE_CHARS = 2_000;

    private final Process process;
    private final Path home;
    private final SocketChannel socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Protocol.Ready ready;
    private final Deque<String> log;
    /** Reads the worker's output into {@link #log}; it ends when the worker has exited and all is read. */
    private final Thread drainer;

    private volatile Pending pending;
    private int executions;

    /**
     * The execution under way, with what the service counts of it: the worker enforces the same
     * limits, but the service does not rely on a worker it cannot trust.
     *
     * @param calls tool calls asked for so far
     * @param running tool calls being answered now, at most {@link #MAX_IN_FLIGHT} at once
     */
    private record Pending(
            Protocol.Execute execution,
            CompletableFuture<Protocol.Result> result,
            ToolBridge tools,
            java.util.concurrent.atomic.AtomicInteger calls,
            java.util.concurrent.Semaphore running) {

        long id() {
            return execution.id();
        }
    }

    /** Tool calls of one execution answered at once; more wait their turn. */
    static final int MAX_IN_FLIGHT = 8;

    /**
     * Set when the worker broke a limit the service checks as well: it is not reused, whatever its
     * own result says.
     */
    private volatile String anomaly;

    private WorkerProcess(
            Process process,
            Path home,
            SocketChannel socket,
            DataInputStream in,
            DataOutputStream out,
            Protocol.Ready ready,
            Deque<String> log,
            Thread drainer) {
        this.process = process;
        this.home = home;
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.ready = ready;
        this.log = log;
        this.drainer = drainer;
        // A platform thread: blocked in the kernel, it wakes as soon as a frame arrives. A virtual one
        // waits for the JDK's poller to notice the socket and then for a carrier; on 2 busy cores that
        // added ~100 µs to every answer (measured: 46 vs 148 µs from the worker's write to this read).
        Thread.ofPlatform().daemon().name("sandbox-worker-" + process.pid()).start(this::readFrames);
    }

    /**
     * Starts a worker and waits until it has warmed up.
     *
     * @throws IOException with the worker's last log lines when it does not come up in time
     */
    static WorkerProcess start(WorkerLauncher launcher, WorkerLauncher.Kind kind, long heapBytes, Duration timeout)
            throws IOException {
        return start(
                (socket, crashLog) -> launcher.command(kind, heapBytes, socket, crashLog),
                launcher.confinement(),
                timeout);
    }

    /**
     * Starts the worker that {@code command} (given the socket to connect to and where to write a
     * crash log) describes, isolated as every worker is, inside {@code confinement}.
     */
    static WorkerProcess start(
            java.util.function.BiFunction<Path, Path, List<String>> command, Confinement confinement, Duration timeout)
            throws IOException {
        Path home = Files.createTempDirectory(
                "agentry-worker-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socketPath = home.resolve("worker.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        if (confinement.account() != null) {
            // The worker's folder and socket become its account's: nothing else of the service's is.
            for (Path own : List.of(home, socketPath)) {
                Files.setAttribute(own, "unix:uid", confinement.account().uid());
                Files.setAttribute(own, "unix:gid", confinement.account().gid());
            }
        }
        Process process = WorkerLauncher.isolated(
                        new ProcessBuilder(command.apply(socketPath, home.resolve("crash.log"))), home, confinement)
                .redirectErrorStream(true)
                .start();
        Deque<String> log = new ArrayDeque<>();
        // A platform thread: reading a process pipe blocks in native code and would pin a virtual
        // thread's carrier for the worker's whole life, starving every other virtual thread.
        Thread drainer = Thread.ofPlatform()
                .daemon()
                .name("sandbox-worker-log-" + process.pid())
                .start(() -> drain(process.getInputStream(), log));
        try {
            SocketChannel socket = accept(server, process, timeout);
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(socket)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(socket)));
            if (!(Protocol.read(in) instanceof Protocol.Ready ready)) {
                throw new IOException("the worker did not introduce itself");
            }
            return new WorkerProcess(process, home, socket, in, out, ready, log, drainer);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            deleteQuietly(home);
            throw new IOException(e.getMessage() + lastLines(log), e);
        } finally {
            server.close();
        }
    }

    private static SocketChannel accept(ServerSocketChannel server, Process process, Duration timeout)
            throws IOException {
        CompletableFuture<SocketChannel> accepted = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                accepted.complete(server.accept());
            } catch (IOException e) {
                accepted.completeExceptionally(e);
            }
        });
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            try {
                return accepted.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillWaiting) {
                if (!process.isAlive()) {
                    throw new IOException(
                            "the worker exited with code " + process.exitValue() + " before it was ready");
                }
            } catch (ExecutionException e) {
                throw new IOException(
                        "the worker could not connect: " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the worker started");
            }
        }
        throw new IOException("the worker did not start within " + timeout.toSeconds() + " s");
    }

    Protocol.Ready ready() {
        return ready;
    }

    /** The worker's operating-system process id. */
    long pid() {
        return process.pid();
    }

    /** The worker's private folder: its working directory, socket and crash log. */
    Path home() {
        return home;
    }

    int executions() {
        return executions;
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * Runs one execution. A worker that dies, or does not answer within {@code hardLimit}, yields a
     * result that says so; the caller then discards the worker.
     */
    Protocol.Result execute(Protocol.Execute execution, ToolBridge tools, Duration hardLimit) {
        executions++;
        Pending current = new Pending(
                execution,
                new CompletableFuture<>(),
                tools,
                new java.util.concurrent.atomic.AtomicInteger(),
                new java.util.concurrent.Semaphore(MAX_IN_FLIGHT));
        pending = current;
        try {
            Protocol.write(out, execution);
            return checked(execution, current.result().get(hardLimit.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            process.destroyForcibly();
            return stopped(
                    execution,
                    "timeout",
                    "the code ran longer than " + execution.timeoutMillis()
                            + " ms and did not stop when asked; its worker was killed");
        } catch (ExecutionException | IOException e) {
            return died(execution);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return stopped(execution, "timeout", "the execution was interrupted; its worker was killed");
        } finally {
            pending = null;
        }
    }

    private void readFrames() {
        try {
            while (true) {
                switch (Protocol.read(in)) {
                    case Protocol.ToolCall call -> answer(call);
                    case Protocol.Result result -> {
                        Pending current = pending;
                        if (current != null && current.id() == result.execution()) {
                            current.result().complete(result);
                        }
                    }
                    default -> {
                        // workers send nothing else after they are ready
                    }
                }
            }
        } catch (IOException gone) {
            Pending current = pending;
            if (current != null) {
                current.result().completeExceptionally(gone);
            }
        }
    }

    private void answer(Protocol.ToolCall call) {
        Pending current = pending;
        if (current == null || current.id() != call.execution()) {
            return;
        }
        int made = current.calls().incrementAndGet();
        if (made > current.execution().toolCalls()) {
            // The worker should have refused this call itself; it is not trusted again.
            anomaly = "it let the code make more than " + current.execution().toolCalls() + " tool calls";
            reply(
                    call,
                    "{\"error\":\"the code made more tool calls than its limit of "
                            + current.execution().toolCalls() + "\"}");
            return;
        }
        Thread.ofVirtual().start(() -> {
            String answer;
            try {
                current.running().acquire();
                try {
                    answer = current.tools().call(call.tool(), call.arguments());
                } finally {
                    current.running().release();
                }
            } catch (InterruptedException e) {
                answer = "{\"error\":\"the execution ended before the tool call was made\"}";
            } catch (RuntimeException e) {
                answer = "{\"error\":\"the tool call failed inside Agentry\"}";
                LOG.errorf(e, "A tool call from sandboxed code failed unexpectedly");
            }
            reply(call, answer);
        });
    }

    private void reply(Protocol.ToolCall call, String answer) {
        try {
            Protocol.write(out, new Protocol.ToolReply(call.execution(), call.call(), answer));
        } catch (IOException gone) {
            // the worker died; the execution reports that
        }
    }

    /**
     * The worker's result, checked against the execution's limits by the service: output and result
     * larger than allowed are cut, and the worker is marked as not to be reused.
     */
    private Protocol.Result checked(Protocol.Execute execution, Protocol.Result result) {
        String value = result.value();
        String stdout = result.stdout();
        String stderr = result.stderr();
        if ("completed".equals(result.outcome()) && value != null && value.length() > execution.resultBytes()) {
            anomaly = "its result was larger than " + execution.resultBytes() + " bytes";
            value = value.substring(0, execution.resultBytes());
        }
        if (stdout.length() + stderr.length() > execution.outputBytes()) {
            anomaly = "its output was larger than " + execution.outputBytes() + " bytes";
            stdout = stdout.substring(0, Math.min(stdout.length(), execution.outputBytes()));
            stderr = stderr.substring(0, Math.min(stderr.length(), execution.outputBytes() - stdout.length()));
        }
        String broke = anomaly;
        if (broke == null) {
            return result;
        }
        LOG.warnf("A sandbox worker broke a limit the service checks (%s); it is replaced", broke);
        return new Protocol.Result(
                result.execution(),
                "error",
                null,
                "the sandbox worker broke its limits (" + broke + "); it was replaced",
                stdout,
                stderr,
                result.durationMillis(),
                false);
    }

    /** What to report when the worker died mid-execution: its exit code and log say why. */
    private Protocol.Result died(Protocol.Execute execution) {
        try {
            // Its last words (a JVM that aborts on a stack overflow says so) arrive after it exits.
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                drainer.join(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String log = String.join("\n", snapshot());
        if (log.contains("StackOverflowError")) {
            return failed(
                    execution,
                    "RangeError: Maximum call stack size exceeded (the code recursed too deeply;"
                            + " the sandbox worker was replaced)");
        }
        if (!process.isAlive() && process.exitValue() == 3 || log.contains("OutOfMemoryError")) {
            return stopped(
                    execution, "memory", "the code used more memory than its worker has; the worker was replaced");
        }
        LOG.warnf(
                "A sandbox worker (exit code %s) died while running code%s",
                process.isAlive() ? "none yet" : String.valueOf(process.exitValue()), lastLines(snapshot()));
        return failed(execution, "the sandbox worker stopped unexpectedly while running the code; it was replaced");
    }

    private static Protocol.Result stopped(Protocol.Execute execution, String limit, String message) {
        return new Protocol.Result(execution.id(), "limit", limit, message, "", "", execution.timeoutMillis(), false);
    }

    private static Protocol.Result failed(Protocol.Execute execution, String message) {
        return new Protocol.Result(execution.id(), "error", null, message, "", "", 0, false);
    }

    /** Whether the worker's recent output (its JVM's own messages included) contains {@code fragment}. */
    boolean logMentions(String fragment) {
        return snapshot().stream().anyMatch(line -> line.contains(fragment));
    }

    private Deque<String> snapshot() {
        synchronized (log) {
            return new ArrayDeque<>(log);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteQuietly(home);
    }

    /**
     * Keeps the worker's last lines of output for error messages. A line is kept to its first
     * {@link #LINE_CHARS} characters: a worker that writes without a newline cannot make the service
     * hold more than that.
     */
    static void drain(InputStream output, Deque<String> log) {
        try (var text = new java.io.InputStreamReader(output, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            boolean cut = false;
            char[] chunk = new char[8192];
            int read;
            while ((read = text.read(chunk)) != -1) {
                for (int i = 0; i < read; i++) {
                    char c = chunk[i];
                    if (c == '\n') {
                        keep(line + (cut ? " [cut at " + LINE_CHARS + " characters]" : ""), log);
                        line.setLength(0);
                        cut = false;
                    } else if (line.length() < LINE_CHARS) {
                        line.append(c);
                    } else {
                        cut = true;
                    }
                }
            }
            if (!line.isEmpty()) {
                keep(line + (cut ? " [cut at " + LINE_CHARS + " characters]" : ""), log);
            }
        } catch (IOException closed) {
            // the worker is gone
        }
    }

    private static void keep(String line, Deque<String> log) {
        if (line.startsWith("WARNING: ") || line.isBlank()) {
            return;
        }
        LOG.debugf("worker: %s", line);
        synchronized (log) {
            log.addLast(line);
            if (log.size() > LOG_LINES) {
                log.removeFirst();
            }
        }
    }

    private static String lastLines(Deque<String> log) {
        synchronized (log) {
            return log.isEmpty() ? "" : "; its last output:\n  " + String.join("\n  ", log);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: it is a temporary folder
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
