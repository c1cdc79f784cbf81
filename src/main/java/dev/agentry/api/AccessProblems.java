package dev.agentry.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
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

    AccessProblems(SecurityIdentity identity) {
        this.identity = identity;
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, UriInfo uri) {
        return challenge(
                uri,
                "this endpoint needs an API key: send 'Authorization: Bearer <key>'; an admin creates keys with POST"
                        + " /v1/keys, and AGENTRY_ADMIN_KEY set at start is an admin key");
    }

    @ServerExceptionMapper
    public Response failed(AuthenticationFailedException e, UriInfo uri) {
        Long wait = e.getAttribute(KeyAuthentication.THROTTLED);
        if (wait != null) {
            long seconds = Math.max(1, (wait + 999) / 1000);
            LOG.warnf(
                    "auth.denied: %s refused for %d s after repeated keys that are not valid", uri.getPath(), seconds);
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
        LOG.infof(
                "auth.denied: %s with a key that is not valid (%s)",
                AgentsResource.abbreviate(uri.getPath()), e.getMessage());
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
                .map(roles -> "; this needs role " + String.join(" or ", roles) + " (or admin)")
                .orElse("; no role may call it");
        LOG.infof("auth.denied: %s, %s%s", AgentsResource.abbreviate(uri.getPath()), who, needs);
        return Problem.of(403, "Forbidden", who + needs + ". Ask an admin for a key with that role.", uri.getPath())
                .response();
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
