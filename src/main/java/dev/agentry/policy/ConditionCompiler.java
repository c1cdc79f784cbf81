package dev.agentry.policy;

import java.util.List;

/** The port that turns a rule's {@code when} text into a {@link Condition}, checking it fully first. */
public interface ConditionCompiler {

    /**
     * @throws IllegalArgumentException when the expression does not parse or type-check, with the
     *     language's message (position included)
     */
    Condition compile(String expression);

    /**
     * One program that answers which of {@code conditions} holds first, evaluated as a single
     * expression instead of one per rule. Every condition has been compiled alone before.
     */
    Selector select(List<String> conditions);

    /** The index of the first condition that holds, or -1; a condition that cannot be evaluated fails. */
    @FunctionalInterface
    interface Selector {
        int first(PolicyRequest request) throws Condition.Failure;
    }
}
