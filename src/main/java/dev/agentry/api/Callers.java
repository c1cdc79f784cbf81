package dev.agentry.api;

import dev.agentry.AgentryException;
import dev.agentry.access.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import java.util.Optional;

/** The {@link Caller} behind a request's identity. */
final class Callers {

    private Callers() {}

    static Optional<Caller> optional(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return Optional.empty();
        }
        return Optional.ofNullable(identity.getAttribute(KeyIdentities.CALLER));
    }

    /** The caller; every endpoint that asks has already required a role, so there is one. */
    static Caller of(SecurityIdentity identity) {
        return optional(identity)
                .orElseThrow(() -> new IllegalStateException("no caller on an endpoint that needs a role"));
    }

    /**
     * Refuses, as if it did not exist, what belongs to an agent the caller may not see.
     *
     * @param what how the thing is named in the 404, such as "there is no run with id 'run_...'"
     */
    static void requireSees(Caller caller, String agent, String what) {
        if (!caller.sees(agent)) {
            throw new AgentryException.NotFound(what);
        }
    }
}
