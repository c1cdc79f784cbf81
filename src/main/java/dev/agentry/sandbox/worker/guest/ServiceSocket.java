package dev.agentry.sandbox.worker.guest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The worker's end of its socket to the service. Frames are read by the thread that needs them: the
 * guest thread itself while it waits for an execution or for a tool's answer, so that nothing is
 * handed between threads on an execution's path (measured: a reader thread passing frames to the
 * guest thread added about 50 µs to every small execution). While the guest thread is busy starting
 * up or warming up, a watcher thread reads instead, so that an arriving execution can cancel a
 * warm-up round at once and a service that goes away is noticed at once. The channel is
 * non-blocking: a thread waits in its own selector, never while it holds the lock that guards
 * reading and the frames read.
 */
final class ServiceSocket {

    /** Called when a read finds the service gone (or breaking the protocol); it must not return. */
    interface Gone {
        void exit(IOException why);
    }

    private final SocketChannel channel;
    private final Selector reads;
    private final Selector writes;
    private final Selector watch;
    private final Gone gone;
    private final ReentrantLock reading = new ReentrantLock();
    /** Frames read and not yet taken, in order; guarded by {@link #reading}. */
    private final Deque<Protocol.Message> frames = new ArrayDeque<>();
    /** Bytes read and not yet decoded, in read mode between reads; guarded by {@link #reading}. */
    private ByteBuffer pending = ByteBuffer.allocate(64 * 1024).flip();

    private final Thread watcher;
    private volatile boolean watching;
    private volatile Runnable onExecution = () -> {};

    ServiceSocket(SocketChannel channel, Gone gone) throws IOException {
        this.channel = channel;
        this.gone = gone;
        channel.configureBlocking(false);
        reads = Selector.open();
        writes = Selector.open();
        watch = Selector.open();
        channel.register(reads, SelectionKey.OP_READ);
        channel.register(writes, SelectionKey.OP_WRITE);
        channel.register(watch, SelectionKey.OP_READ);
        watcher = Thread.ofPlatform().daemon().name("agentry-watcher").start(this::watchWhileAsked);
    }

    /** What the watcher does when it reads an execution (cancel the warm-up round in progress). */
    void onExecution(Runnable action) {
        onExecution = action;
    }

    /**
     * Whether the watcher reads frames from now on: yes while the guest thread cannot (it starts the
     * engine or runs warm-up rounds), no while it reads them itself, so that a frame wakes one thread.
     */
    void watch(boolean on) {
        if (watching == on) {
            return;
        }
        watching = on;
        if (on) {
            LockSupport.unpark(watcher);
        } else {
            watch.wakeup();
        }
    }

    /**
     * The next frame, waiting up to {@code timeoutMillis} (0: not at all; negative: for as long as
     * it takes).
     *
     * @return null when none came in time
     */
    Protocol.Message take(long timeoutMillis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Protocol.Message next = poll();
            if (next != null) {
                return next;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
            if (timeoutMillis == 0 || timeoutMillis > 0 && left <= 0) {
                return null;
            }
            // A cancelled execution may leave this thread interrupted, and an interrupted thread's
            // select returns at once: nothing here waits for an interrupt, so clear it.
            Thread.interrupted();
            try {
                // select(0) would wait for ever; a positive timeout here is at least a millisecond
                reads.select(timeoutMillis < 0 ? 0 : Math.max(1, left));
                reads.selectedKeys().clear();
            } catch (IOException e) {
                gone.exit(e);
            }
        }
    }

    /** Writes a whole frame; only the guest thread writes. */
    synchronized void write(Protocol.Message message) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(Protocol.frame(message));
        while (frame.hasRemaining()) {
            if (channel.write(frame) == 0) {
                writes.select(100);
                writes.selectedKeys().clear();
            }
        }
    }

    /** A frame already read, or one that a read without waiting completes. */
    private Protocol.Message poll() {
        reading.lock();
        try {
            Protocol.Message next = frames.poll();
            if (next == null) {
                readAvailable();
                next = frames.poll();
            }
            return next;
        } catch (IOException e) {
            gone.exit(e);
            return null;
        } finally {
            reading.unlock();
        }
    }

    /** Reads what the socket holds now and decodes every complete frame in it. */
    private void readAvailable() throws IOException {
        pending.compact();
        int read = channel.read(pending);
        pending.flip();
        if (read < 0) {
            throw new IOException("the service closed the socket");
        }
        while (pending.remaining() >= Protocol.HEADER) {
            int length = Protocol.payloadLength(pending);
            if (pending.remaining() < Protocol.HEADER + length) {
                if (pending.capacity() < Protocol.HEADER + length) {
                    pending = ByteBuffer.allocate(Protocol.HEADER + length)
                            .put(pending)
                            .flip();
                }
                return;
            }
            byte type = pending.get();
            pending.getInt();
            byte[] payload = new byte[length];
            pending.get(payload);
            frames.add(Protocol.decode(type, payload));
        }
        if (read > 0 && !pending.hasRemaining() && pending.capacity() > 64 * 1024) {
            pending = ByteBuffer.allocate(64 * 1024).flip();
        }
    }

    /** The watcher thread: it parks while not asked to watch, and reads whatever arrives while it is. */
    private void watchWhileAsked() {
        while (true) {
            if (!watching) {
                LockSupport.park(this);
                continue;
            }
            boolean execution;
            try {
                watch.select();
                watch.selectedKeys().clear();
                if (!watching) {
                    continue;
                }
                reading.lock();
                try {
                    readAvailable();
                    execution = frames.stream().anyMatch(Protocol.Execute.class::isInstance);
                } finally {
                    reading.unlock();
                }
            } catch (IOException e) {
                gone.exit(e);
                return;
            }
            if (execution) {
                onExecution.run();
            }
        }
    }
}
