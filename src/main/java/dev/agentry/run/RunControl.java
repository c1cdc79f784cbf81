package dev.agentry.run;

import java.util.concurrent.Callable;

/**
 * Stops a run from outside its thread: a cancel request or the wall-clock deadline. The run thread
 * is only ever interrupted inside {@link #interruptibly} sections (model and tool calls), never
 * while it talks to the database, because an interrupt there can close an embedded database's file.
 */
final class RunControl {

    enum Stop {
        CANCELLED,
        TIMED_OUT,
        /** This replica is stopping: the run stops after its current step, for another replica to go on with. */
        HANDED_OVER
    }

    private final Object lock = new Object();
    private volatile Stop stop;
    private Thread inside;

    /** The reason to stop, once there is one. */
    Stop stop() {
        return stop;
    }

    void cancel() {
        request(Stop.CANCELLED);
    }

    void timeOut() {
        request(Stop.TIMED_OUT);
    }

    /** Stops the run at its next step boundary, without interrupting the call in flight. */
    void handOver() {
        synchronized (lock) {
            if (stop == null) {
                stop = Stop.HANDED_OVER;
            }
        }
    }

    private void request(Stop reason) {
        synchronized (lock) {
            if (stop == null) {
                stop = reason;
            }
            if (inside != null) {
                inside.interrupt();
            }
        }
    }

    /** Runs {@code work} where a stop request may interrupt it; the interrupt never outlives the section. */
    <T> T interruptibly(Callable<T> work) throws Exception {
        synchronized (lock) {
            if (stop != null) {
                throw new InterruptedException("run is stopping: " + stop);
            }
            inside = Thread.currentThread();
        }
        try {
            return work.call();
        } finally {
            synchronized (lock) {
                inside = null;
                Thread.interrupted();
            }
        }
    }
}
