package dev.agentry.policy;

/** A rule's compiled {@code when}: side-effect free, safe to evaluate from several threads at once. */
@FunctionalInterface
public interface Condition {

    /**
     * @throws Failure when the expression cannot be evaluated for this call (a missing field, a wrong
     *     type, its cost limit); the engine then denies the call
     */
    boolean holds(PolicyRequest request) throws Failure;

    /** Why a condition could not be evaluated, in the expression language's words. */
    final class Failure extends Exception {
        public Failure(String message) {
            super(message, null, false, false);
        }
    }
}
