package dev.agentry.policy;

import java.util.List;

/** The port that decides every tool call before it is made. Implementations are thread-safe and fast. */
public interface PolicyEngine {

    Decision decide(PolicyRequest request);

    /**
     * Whether the model is told about {@code tool} at all: false when the policies deny every call of
     * it whatever the arguments, so the model does not spend steps on it.
     */
    default boolean offered(List<String> policies, String tool) {
        return true;
    }
}
