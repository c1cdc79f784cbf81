package dev.agentry.policy;

/** The port that decides every tool call before it is made. Implementations are thread-safe and fast. */
public interface PolicyEngine {

    Decision decide(PolicyRequest request);
}
