package dev.agentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.AgentryException;
import dev.agentry.access.ApiKey;
import dev.agentry.access.ApiKeys;
import dev.agentry.access.Role;
import dev.agentry.audit.Chain;
import dev.agentry.audit.Fact;
import dev.agentry.audit.Journal;
import dev.agentry.audit.RecordType;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** API keys: issue one (shown once), list them without secrets, revoke one at once. Admins only. */
@Path("/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Keys")
@RolesAllowed(Role.Names.ADMIN)
public class KeysResource {

    private static final Set<String> FIELDS = Set.of("name", "role", "agents");
    private static final String EXAMPLE = "{\"name\": \"ci-bot\", \"role\": \"operator\", \"agents\": [\"*\"]}";

    private final ApiKeys keys;
    private final Journal journal;
    private final SecurityIdentity identity;

    KeysResource(ApiKeys keys, Journal journal, SecurityIdentity identity) {
        this.keys = keys;
        this.journal = journal;
        this.identity = identity;
    }

    /** A key as listed: never its secret. */
    public record KeyView(
            String id,
            String name,
            String role,
            List<String> agents,
            Instant createdAt,
            String createdBy,
            Instant revokedAt) {
        static KeyView of(ApiKey key) {
            return new KeyView(
                    key.id(),
                    key.name(),
                    key.role().id(),
                    key.agents(),
                    key.createdAt(),
                    key.createdBy(),
                    key.revokedAt());
        }
    }

    /** A key just issued, with the key itself, shown this once. */
    public record IssuedView(String id, String name, String role, List<String> agents, String key) {}

    @POST
    @Consumes(MediaType.WILDCARD)
    @RunOnVirtualThread
    @Operation(summary = "Issue a key: 201 with the key, which is shown this once and stored only as a hash")
    public Response issue(byte[] body) {
        ObjectNode request = JsonBody.object(body, "a smaller body", EXAMPLE, EXAMPLE)
                .orElseThrow(() ->
                        new AgentryException.InvalidInput("send the key's name, role and agents, such as " + EXAMPLE));
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new AgentryException.InvalidInput(
                        "the request body has an unknown field '" + name + "'; the fields are name, role and agents");
            }
        }
        Role role = Role.of(text(request, "role", "one of viewer, operator, auditor, admin"));
        ApiKeys.Issued issued = keys.issue(
                text(request, "name", "such as \"ci-bot\""),
                role,
                agents(request),
                Callers.of(identity).actor());
        ApiKey key = issued.key();
        try {
            journal.append(new Fact(
                    RecordType.KEY_ISSUED,
                    null,
                    null,
                    Callers.of(identity).actor(),
                    Chain.object()
                            .put("id", key.id())
                            .put("name", key.name())
                            .put("role", key.role().id())
                            .put("agents", String.join(",", key.agents()))));
        } catch (AgentryException.Unavailable unrecorded) {
            // A key nobody can audit must not work: take it back before saying why.
            keys.revoke(key.id());
            throw unrecorded;
        }
        return Response.created(URI.create("/v1/keys/" + key.id()))
                .entity(new IssuedView(key.id(), key.name(), key.role().id(), key.agents(), issued.secret()))
                .build();
    }

    @GET
    @RunOnVirtualThread
    @Operation(summary = "Every key, revoked ones included, newest first; no secrets")
    public List<KeyView> list() {
        return keys.list().stream().map(KeyView::of).toList();
    }

    @DELETE
    @Path("/{id}")
    @RunOnVirtualThread
    @Operation(summary = "Revoke a key at once: 204; 404 when no key in force has that id")
    public Response revoke(@PathParam("id") String id) {
        keys.revoke(id);
        journal.append(new Fact(
                RecordType.KEY_REVOKED,
                null,
                null,
                Callers.of(identity).actor(),
                Chain.object().put("id", id)));
        return Response.noContent().build();
    }

    private static String text(ObjectNode request, String field, String example) {
        JsonNode value = request.get(field);
        if (value == null || !value.isTextual()) {
            throw new AgentryException.InvalidInput("the field '" + field + "' must be a string, " + example);
        }
        return value.asText();
    }

    private static List<String> agents(ObjectNode request) {
        JsonNode value = request.get("agents");
        if (value == null || !value.isArray()) {
            throw new AgentryException.InvalidInput(
                    "the field 'agents' must be a list of agent names, or [\"*\"] for every agent");
        }
        List<String> agents = new ArrayList<>();
        value.forEach(agent -> agents.add(agent.isTextual() ? agent.asText() : agent.toString()));
        return agents;
    }
}
