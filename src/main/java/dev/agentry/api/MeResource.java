package dev.agentry.api;

import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Who the caller is: what the console asks to show each person the pages and buttons their role allows. */
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Access")
@RolesAllowed(Role.Names.VIEWER)
public class MeResource {

    private final SecurityIdentity identity;

    MeResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The caller, its role, what the role grants, and the agents it may see ({@code ["*"]} for all). */
    public record Me(
            AuditResource.ActorView actor, String name, String role, List<String> grants, List<String> agents) {}

    @GET
    @Operation(summary = "The caller: actor, role, the permissions the role grants, and the agents it may see")
    public Me me() {
        Caller caller = Callers.of(identity);
        return new Me(
                new AuditResource.ActorView(
                        caller.actor().type().id(), caller.actor().id()),
                caller.actor().name(),
                caller.role().id(),
                caller.role().grants().stream().sorted().toList(),
                caller.agents().stream().sorted().toList());
    }
}
