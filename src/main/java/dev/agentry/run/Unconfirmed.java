package dev.agentry.run;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a run has handed to the store and the journal without waiting for it: its model requests, its
 * steps and their records. The journal's writer commits in the order things are handed to it, so all
 * of it is durable once anything handed over later is; {@link #confirm} checks each, in order, before
 * the run does what cannot be undone (sends a tool call) and before it ends, parks or is handed over,
 * and throws what a failed one would have thrown. Thread-safe: a reply's concurrent calls and calls
 * from code confirm through the same instance.
 */
final class Unconfirmed {

    private final Deque<Runnable> checks = new ArrayDeque<>();

    /** Adds the check of something just handed over; it must throw when that could not be written. */
    synchronized void add(Runnable check) {
        checks.addLast(check);
    }

    /** Runs every check not yet run, oldest first; one that throws is not run again. */
    synchronized void confirm() {
        while (!checks.isEmpty()) {
            checks.removeFirst().run();
        }
    }
}
