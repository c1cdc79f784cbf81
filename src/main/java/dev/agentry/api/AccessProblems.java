package dev.agentry.api;

import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import dev.agentry.audit.Chain;
import dev.agentry.audit.Fact;
import dev.agentry.audit.Journal;
import dev.agentry.audit.RecordType;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * 401, 403 and 429 as problem+json, each saying what to send instead. The presented key never
 * appears in an answer or a log line.
 */
public class AccessProblems {

    private static final Logger LOG = Logger.getLogger(AccessProblems.class);
    private static final String BEARER = "Bearer";

    private final SecurityIdentity identity;
    private final Journal journal;
    private final FailedAttempts failures;
    private final KeyAuthentication keys;

    AccessProblems(SecurityIdentity identity, Journal journal, FailedAttempts failures, KeyAuthentication keys) {
        this.identity = identity;
        this.journal = journal;
        this.failures = failures;
        this.keys = keys;
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, UriInfo uri) {
        // Not journaled: requests without any key cost an attacker nothing, so recording each would let
        // anyone who reaches the port fill the journal. Keys that fail are journaled, and throttled.
        LOG.debugf("auth.denied: %s without a key", AgentsResource.abbreviate(uri.getPath()));
        return challenge(
                uri,
                "this endpoint needs an API key: send 'Authorization: Bearer <key>'; an admin creates keys with POST"
                        + " /v1/keys, and AGENTRY_ADMIN_KEY set at start is an admin key");
    }

    @ServerExceptionMapper
    public Response failed(AuthenticationFailedException e, UriInfo uri, RoutingContext context) {
        Long wait = e.getAttribute(KeyAuthentication.THROTTLED);
        if (wait == null && keys.leavesToOidc(context.request().getHeader(HttpHeaders.AUTHORIZATION))) {
            // A token OIDC refused: counted like a bad key (KeyAuthentication counts those itself).
            failures.record(FailedAttempts.address(context));
        }
        if (wait != null) {
            long seconds = Math.max(1, (wait + 999) / 1000);
            // Not journaled: the failures that led here were, and a flood of refusals would fill the journal.
            LOG.debugf(
                    "auth.denied: %s refused for %d s after repeated keys that are not valid",
                    AgentsResource.abbreviate(uri.getPath()), seconds);
            return Response.fromResponse(Problem.of(
                                    429,
                                    "Too many requests",
                                    "too many requests with keys that are not valid came from this address; try"
                                            + " again in " + seconds + " s with a valid key",
                                    uri.getPath())
                            .response())
                    .header(HttpHeaders.RETRY_AFTER, seconds)
                    .build();
        }
        denied(uri, e.getMessage(), Actor.SYSTEM);
        return challenge(
                uri,
                e.getMessage() + "; send 'Authorization: Bearer <key>' with a key in force (GET /v1/keys lists"
                        + " them, for an admin)");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri, SimpleResourceInfo resource) {
        String who = Callers.optional(identity)
                .map(caller -> "the key '" + caller.actor().name() + "' has role "
                        + caller.role().id())
                .orElse("this caller has no role");
        String needs = required(resource)
                .map(roles -> "; this needs role " + String.join(" or ", roles)
                        + (List.of(roles).contains(Role.Names.ADMIN) ? "" : " (or admin)"))
                .orElse("; no role may call it");
        denied(uri, who + needs, Callers.optional(identity).map(Caller::actor).orElse(Actor.SYSTEM));
        return Problem.of(403, "Forbidden", who + needs + ". Ask an admin for a key with that role.", uri.getPath())
                .response();
    }

    /**
     * Records a refusal in the journal (never the presented key), and logs it; a journal that cannot be
     * written does not turn the refusal into an error.
     */
    private void denied(UriInfo uri, String reason, Actor actor) {
        String path = AgentsResource.abbreviate(uri.getPath());
        LOG.infof("auth.denied: %s: %s", path, reason);
        try {
            journal.append(new Fact(
                    RecordType.AUTH_DENIED,
                    null,
                    null,
                    actor,
                    Chain.object().put("path", path).put("reason", reason)));
        } catch (AgentryException.Unavailable e) {
            LOG.errorf("auth.denied for %s could not be recorded: %s", path, e.getMessage());
        }
    }

    private static Response challenge(UriInfo uri, String detail) {
        return Response.fromResponse(
                        Problem.of(401, "Unauthorized", detail, uri.getPath()).response())
                .header(HttpHeaders.WWW_AUTHENTICATE, BEARER)
                .build();
    }

    /** The roles the matched endpoint names in {@code @RolesAllowed}, on its method or its class. */
    private static Optional<String[]> required(SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null) {
            return Optional.empty();
        }
        try {
            RolesAllowed roles = resource.getResourceClass()
                    .getMethod(resource.getMethodName(), resource.parameterTypes())
                    .getAnnotation(RolesAllowed.class);
            if (roles == null) {
                roles = resource.getResourceClass().getAnnotation(RolesAllowed.class);
            }
            return Optional.ofNullable(roles).map(RolesAllowed::value).filter(value -> value.length > 0);
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }
}
