package dev.agentry.api;

import dev.agentry.AgentryException;
import dev.agentry.asset.Redactor;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one exception mapper: every error leaves as problem+json with a message that names the fix.
 * Unexpected exceptions are logged with their stack trace and answered with a 500 that carries none.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @Context
    UriInfo uri;

    /** Error texts can quote what a secret was interpolated into; no problem answer carries one. */
    @Inject
    Redactor redactor;

    /** Where the API reference is: Swagger UI is on the management interface, not on the API's port. */
    @ConfigProperty(name = "quarkus.management.port", defaultValue = "9000")
    int managementPort;

    @Override
    public Response toResponse(Throwable exception) {
        String path = uri == null ? null : uri.getPath();
        return switch (exception) {
            case AgentryException.InvalidInput invalid ->
                problem(invalid.status(), invalid.title(), invalid.getMessage(), path)
                        .response();
            case AgentryException.NotFound missing ->
                problem(404, missing.title(), missing.getMessage(), path).response();
            case AgentryException.Conflict conflict ->
                problem(409, conflict.title(), conflict.getMessage(), path).response();
            case AgentryException.Unavailable unavailable ->
                problem(503, unavailable.title(), unavailable.getMessage(), path)
                        .response();
            case WebApplicationException web -> fromWebException(web, path);
            default -> {
                LOG.errorf(exception, "Unexpected error answering %s", path);
                yield problem(
                                500,
                                "Internal error",
                                "Agentry failed unexpectedly; the service log has the details. Retrying may help.",
                                path)
                        .response();
            }
        };
    }

    /** Where to read the API, as a caller on the service's host reaches it. */
    private String reference() {
        return "Swagger UI (http://localhost:" + managementPort + "/q/swagger-ui, on the management interface)";
    }

    private Problem problem(int status, String title, String detail, String path) {
        return Problem.of(status, title, redactor == null ? detail : redactor.scrub(detail), path);
    }

    private Response fromWebException(WebApplicationException web, String path) {
        int status = web.getResponse().getStatus();
        String detail =
                switch (status) {
                    case 404 -> "nothing is served at " + path + "; the API is under /v1, described in " + reference();
                    case 405 ->
                        "this method is not allowed on " + path + "; the methods it takes are in " + reference();
                    case 406 ->
                        "this resource cannot answer with the media type the Accept header asks for; leave Accept"
                                + " out, or ask for one of those " + reference() + " lists for it";
                    case 415 -> "send the body as application/json";
                    default -> web.getMessage() == null ? "the request could not be handled" : web.getMessage();
                };
        String title =
                switch (status) {
                    case 404 -> "Not found";
                    case 405 -> "Method not allowed";
                    case 406 -> "Not acceptable";
                    case 415 -> "Unsupported media type";
                    default -> status >= 500 ? "Internal error" : "Invalid request";
                };
        return problem(status, title, detail, path).response();
    }
}
