package dev.agentry.policy;

import static java.util.Objects.requireNonNull;

/** What policy says about one tool call. */
public sealed interface Decision permits Decision.Allow, Decision.Deny {

    /** Why, in words a reviewer of the run understands. */
    String reason();

    static Decision allow(String reason) {
        return new Allow(reason);
    }

    static Decision deny(String reason) {
        return new Deny(reason);
    }

    record Allow(String reason) implements Decision {
        public Allow {
            requireNonNull(reason, "reason");
        }
    }

    /** The call is not made; the reason goes back to the model as the tool's answer. */
    record Deny(String reason) implements Decision {
        public Deny {
            requireNonNull(reason, "reason");
        }
    }
}
