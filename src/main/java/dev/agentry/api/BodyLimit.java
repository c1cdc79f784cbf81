package dev.agentry.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses request bodies over {@link #MAX_BYTES} before they are read, with a problem that says
 * how large they may be. Bodies sent without a length are capped while they are read.
 */
public class BodyLimit {

    /** Largest request body accepted. */
    public static final int MAX_BYTES = 1024 * 1024;

    @ServerRequestFilter(preMatching = true)
    public jakarta.ws.rs.core.Response check(ContainerRequestContext request) {
        String length = request.getHeaderString("Content-Length");
        if (length == null) {
            return null;
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Problem.of(400, "Invalid request", "the Content-Length header is not a number", path(request))
                    .response();
        }
        if (bytes > MAX_BYTES) {
            return tooLarge(bytes, path(request));
        }
        return null;
    }

    static jakarta.ws.rs.core.Response tooLarge(long bytes, String path) {
        return Problem.of(
                        413,
                        "Payload too large",
                        "the request body is " + bytes + " bytes; the limit is " + MAX_BYTES
                                + " bytes (1 MiB). Send a smaller input, or pass large data by reference (a URL)",
                        path)
                .response();
    }

    private static String path(ContainerRequestContext request) {
        return request.getUriInfo().getPath();
    }
}
