package dev.agentry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses request bodies over {@link #MAX_BYTES} before they are read, with a problem that says how
 * large they may be and closes the connection, so that the rest of the body is never read. It runs
 * before every other route, the transport's own backstop ({@code quarkus.http.limits.max-body-size})
 * included, which would answer a body over its size with a bare 413. Bodies sent without a length
 * are capped while they are read ({@link JsonBody}); past the backstop, the transport cuts them off.
 */
@ApplicationScoped
public class BodyLimit {

    /** Largest request body accepted. */
    public static final int MAX_BYTES = 1024 * 1024;

    /** Just before the transport's backstop ({@code RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT}, -2). */
    private static final int ORDER = -3;

    private static final ObjectMapper JSON = new ObjectMapper();

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(BodyLimit::check);
    }

    private static void check(RoutingContext context) {
        long bytes = length(context.request().getHeader(HttpHeaders.CONTENT_LENGTH));
        if (bytes <= MAX_BYTES) {
            context.next();
            return;
        }
        String body;
        try {
            body = JSON.writeValueAsString(tooLarge(bytes, context.normalizedPath()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem record is always JSON", e);
        }
        context.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .endHandler(done -> context.request().connection().close())
                .end(body);
    }

    /** The declared length, or -1 when there is none (the HTTP codec refuses one that is not a number). */
    private static long length(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Problem tooLarge(long bytes, String path) {
        return Problem.of(
                413,
                "Payload too large",
                "the request body is " + bytes + " bytes; the limit is " + MAX_BYTES
                        + " bytes (1 MiB). Send a smaller input, or pass large data by reference (a URL)",
                path);
    }
}
