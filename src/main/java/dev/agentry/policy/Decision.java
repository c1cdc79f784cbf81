package dev.agentry.policy;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * What policy says about one tool call, and which rule said it. {@code policy} and {@code rule} are
 * null when no rule decided: a built-in check, or no policy applying at all.
 */
public sealed interface Decision permits Decision.Allow, Decision.Deny, Decision.RequireApproval {

    /** The policy whose rule (or default) decided, or null. */
    String policy();

    /** The rule that decided, {@code default} for a policy's default, or null. */
    String rule();

    /** Why, in words a reviewer of the run (and the model, when refused) understands. */
    String reason();

    /** {@code allow}, {@code deny} or {@code require-approval}. */
    default String effect() {
        return switch (this) {
            case Allow allow -> "allow";
            case Deny deny -> "deny";
            case RequireApproval approval -> "require-approval";
        };
    }

    static Decision allow(String reason) {
        return new Allow(null, null, reason);
    }

    static Decision deny(String reason) {
        return new Deny(null, null, reason);
    }

    /** The decision {@code effect} of {@code rule} in {@code policy}. */
    static Decision of(Policy.Effect effect, String policy, String rule, String reason) {
        return switch (effect) {
            case ALLOW -> new Allow(policy, rule, reason);
            case DENY -> new Deny(policy, rule, reason);
            case REQUIRE_APPROVAL -> new RequireApproval(policy, rule, reason);
        };
    }

    /** How restrictive: deny over require-approval over allow. */
    default int severity() {
        return switch (this) {
            case Allow allow -> 0;
            case RequireApproval approval -> 1;
            case Deny deny -> 2;
        };
    }

    /** {@code effect by policy/rule: reason}, for logs and messages. */
    default String describe() {
        String by = policy() == null ? "" : " by " + policy() + (rule() == null ? "" : "/" + rule());
        return effect().toUpperCase(Locale.ROOT) + by + ": " + reason();
    }

    record Allow(String policy, String rule, String reason) implements Decision {
        public Allow {
            requireNonNull(reason, "reason");
        }
    }

    /** The call is not made; the reason goes back to the model as the tool's answer. */
    record Deny(String policy, String rule, String reason) implements Decision {
        public Deny {
            requireNonNull(reason, "reason");
        }
    }

    /** The call waits for a person's decision. */
    record RequireApproval(String policy, String rule, String reason) implements Decision {
        public RequireApproval {
            requireNonNull(reason, "reason");
        }
    }
}
