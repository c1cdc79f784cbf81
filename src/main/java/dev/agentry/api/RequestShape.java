package dev.agentry.api;

import dev.agentry.access.AccessConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses, before anything is read, the requests a browser can be made to send to a service on the
 * user's machine without the user meaning to: a body that is not JSON (a cross-site form post needs
 * no preflight; a JSON one does) and a request from a web page of another origin (DNS rebinding, or a
 * page that got hold of a key). Requests with no {@code Origin} (curl, programs) are not affected.
 */
public class RequestShape {

    private final List<String> allowedOrigins;

    RequestShape(AccessConfig config) {
        this.allowedOrigins = config.allowedOrigins().orElse(List.of()).stream()
                .map(origin -> origin.strip().toLowerCase(Locale.ROOT))
                .toList();
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/")) {
            return null;
        }
        String origin = request.getHeaderString("Origin");
        if (origin != null && !sameOrigin(origin, request.getHeaderString("Host")) && !allowed(origin)) {
            return Problem.of(
                            403,
                            "Forbidden",
                            "requests from web pages at " + AgentsResource.abbreviate(origin)
                                    + " are refused; list that origin in agentry.http.allowed-origins to allow it",
                            path)
                    .response();
        }
        if (hasBody(request) && !isJson(request.getHeaderString("Content-Type"))) {
            return Problem.of(
                            415,
                            "Unsupported media type",
                            "send the body as application/json (Content-Type: application/json)",
                            path)
                    .response();
        }
        return null;
    }

    private boolean allowed(String origin) {
        return allowedOrigins.contains(origin.strip().toLowerCase(Locale.ROOT));
    }

    /** Whether the page's origin is the service itself (its own console), by host and port. */
    private static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI page = URI.create(origin.strip());
            String authority = page.getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasBody(ContainerRequestContext request) {
        String length = request.getHeaderString("Content-Length");
        if (length != null) {
            return !length.strip().equals("0");
        }
        return request.getHeaderString("Transfer-Encoding") != null;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
