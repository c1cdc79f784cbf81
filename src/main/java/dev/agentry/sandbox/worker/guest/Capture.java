package dev.agentry.sandbox.worker.guest;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Guest stdout and stderr, sharing one byte budget. Writes past the budget are dropped and reported
 * once, so a flood stops the execution instead of the worker.
 */
final class Capture {

    private int budget;
    private Runnable onOverflow = () -> {};
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private int used;
    private boolean overflowed;

    Capture(int budget, Runnable onOverflow) {
        arm(budget, onOverflow);
    }

    /** Unarmed: everything written is dropped until {@link #arm} sets the execution's budget. */
    Capture() {}

    /** Sets the budget and what to do when it runs out, for the execution about to start. */
    synchronized void arm(int budget, Runnable onOverflow) {
        this.budget = budget;
        this.onOverflow = onOverflow;
    }

    OutputStream stdout() {
        return new Bounded(out);
    }

    OutputStream stderr() {
        return new Bounded(err);
    }

    synchronized String stdoutText() {
        return out.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderrText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private synchronized void write(ByteArrayOutputStream target, byte[] bytes, int offset, int length) {
        int room = budget - used;
        if (length <= room) {
            target.write(bytes, offset, length);
            used += length;
            return;
        }
        if (room > 0) {
            target.write(bytes, offset, room);
            used = budget;
        }
        if (!overflowed) {
            overflowed = true;
            onOverflow.run();
        }
    }

    private final class Bounded extends OutputStream {
        private final ByteArrayOutputStream target;

        Bounded(ByteArrayOutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            Capture.this.write(target, bytes, offset, length);
        }
    }
}
