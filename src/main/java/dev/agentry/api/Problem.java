package dev.agentry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem detail, the body of every error Agentry answers with.
 *
 * @param type a URI naming the kind of problem
 * @param detail what happened and how to fix it, for humans
 * @param instance the request path the problem concerns
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPES = "https://agentry.dev/problems/";

    public static Problem of(int status, String title, String detail, String instance) {
        String slug = title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
        return new Problem(TYPES + slug, title, status, detail, instance);
    }

    public Response response() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
