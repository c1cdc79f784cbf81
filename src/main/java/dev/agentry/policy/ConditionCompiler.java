package dev.agentry.policy;

/** The port that turns a rule's {@code when} text into a {@link Condition}, checking it fully first. */
public interface ConditionCompiler {

    /**
     * @throws IllegalArgumentException when the expression does not parse or type-check, with the
     *     language's message (position included)
     */
    Condition compile(String expression);
}
