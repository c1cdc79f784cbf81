package dev.agentry.policy;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Allows every call, saying so in the decision's reason so that run records never suggest a check
 * that did not happen. It stands in the chokepoint until a rule-evaluating engine replaces it.
 */
@DefaultBean
@ApplicationScoped
public class AllowAllPolicyEngine implements PolicyEngine {

    static final Decision ALLOW = Decision.allow("allowed: no policy rules are evaluated in this version");

    @Override
    public Decision decide(PolicyRequest request) {
        return ALLOW;
    }
}
