package dev.agentry.api;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The console: a page and its scripts, served from the jar. Every console address answers with the
 * same page, which reads the address and asks the API for what it shows; the page itself holds no
 * data, so it is public, and every API call it makes carries the key the person signed in with. What
 * the API returns (model output, tool results, file contents) is shown as text, never as markup, and
 * the content security policy lets the page run only its own scripts.
 */
@Path("/console")
@PermitAll
public class ConsoleResource {

    /**
     * The pages: runs (the console's address itself), approvals, schedules, agents, tools, audit; and
     * signed-in, where the OIDC issuer sends the browser back and the page finishes the sign-in.
     */
    static final Set<String> PAGES = Set.of("runs", "approvals", "schedules", "agents", "tools", "audit", "signed-in");

    private static final Pattern ASSET = Pattern.compile("[a-z][a-z0-9-]{0,40}\\.(js|css|svg)");
    private static final Map<String, String> TYPES =
            Map.of("js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Optional<Oidc> oidc;
    private final String policy;

    /** What the console needs to sign in with the issuer: public facts, no secret. */
    public record Oidc(String issuer, String clientId, String scope) {}

    /** The console's sign-in options, as {@code /console/settings.json} serves them. */
    public record Settings(Oidc oidc) {}

    ConsoleResource(
            ConsoleConfig config, @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer) {
        this.oidc = issuer.filter(url -> config.oidcClientId().isPresent())
                .map(url -> new Oidc(
                        url.replaceAll("/+$", ""), config.oidcClientId().get(), config.oidcScope()));
        // The browser talks to the issuer itself (discovery and the token exchange), so its origin joins
        // the addresses the page may connect to; nothing else does.
        this.policy = oidc.map(o -> POLICY.replace("connect-src 'self'", "connect-src 'self' " + origin(o.issuer())))
                .orElse(POLICY);
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    @GET
    @Path("/settings.json")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Settings settings() {
        return new Settings(oidc.orElse(null));
    }

    @GET
    @Operation(hidden = true)
    public Response runs() {
        return page();
    }

    @GET
    @Path("/{page: [a-z-]+}")
    @Operation(hidden = true)
    public Response page(@PathParam("page") String page) {
        if (!PAGES.contains(page)) {
            throw new NotFoundException();
        }
        return page();
    }

    @GET
    @Path("/runs/{id: [A-Za-z0-9_]{1,64}}")
    @Operation(hidden = true)
    public Response run() {
        return page();
    }

    @GET
    @Path("/assets/{name}")
    @Operation(hidden = true)
    public Response asset(@PathParam("name") String name) {
        if (!ASSET.matcher(name).matches()) {
            throw new NotFoundException();
        }
        byte[] body = file(name);
        return secured(Response.ok(body, TYPES.get(name.substring(name.lastIndexOf('.') + 1))))
                .header("Cache-Control", "no-cache")
                .build();
    }

    private Response page() {
        return secured(Response.ok(file("index.html"), "text/html; charset=utf-8"))
                .header("Cache-Control", "no-store")
                .build();
    }

    private Response.ResponseBuilder secured(Response.ResponseBuilder response) {
        return response.header("Content-Security-Policy", policy)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY");
    }

    private byte[] file(String name) {
        return files.computeIfAbsent(name, ConsoleResource::read);
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleResource.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new NotFoundException();
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
