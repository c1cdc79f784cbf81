package dev.agentry.policy;

/**
 * Allows every call, saying so in the decision's reason so that run records never suggest a check
 * that did not happen: for tests and benchmarks of the loop where no policy applies.
 */
public class AllowAllPolicyEngine implements PolicyEngine {

    static final Decision ALLOW = Decision.allow("allowed: no policy is evaluated here");

    @Override
    public Decision decide(PolicyRequest request) {
        return ALLOW;
    }
}
