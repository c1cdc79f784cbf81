package dev.agentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.Redactor;
import dev.agentry.run.RunService;
import dev.agentry.run.ToolTests;
import dev.agentry.tool.NamedTool;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolRegistry;
import dev.agentry.tool.ToolsetDefinition;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Toolsets: what each offers, and a direct call of one tool to check a configuration. */
@Path("/v1/tools")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tools")
@RolesAllowed(Role.Names.VIEWER)
public class ToolsResource {

    private static final AssetBinder YAML_NAMES = AssetBinder.create();

    private final ToolRegistry registry;
    private final ToolTests tests;
    private final SecurityIdentity identity;
    private final Redactor redactor;

    ToolsResource(ToolRegistry registry, ToolTests tests, SecurityIdentity identity, Redactor redactor) {
        this.registry = registry;
        this.tests = tests;
        this.identity = identity;
        this.redactor = redactor;
    }

    /** A tool as listed. */
    public record ToolView(String name, String description, JsonNode parameters, ToolAnnotations annotations) {}

    /**
     * A toolset as listed: its settings as written (secrets masked) and its tools; a toolset that
     * cannot be used says why in {@code error} and lists no tools.
     */
    public record ToolsetView(
            String name, String description, String type, JsonNode settings, List<ToolView> tools, String error) {}

    @GET
    @RunOnVirtualThread
    @Operation(summary = "Every toolset with its tools, their parameters and annotations; secrets masked")
    public List<ToolsetView> list() {
        return registry.list().stream()
                .map(listing -> new ToolsetView(
                        listing.name(),
                        listing.description(),
                        listing.type(),
                        settings(listing.definition()),
                        listing.tools().stream()
                                .map(tool -> new ToolView(
                                        tool.spec().name(),
                                        tool.spec().description(),
                                        tool.spec().parameters().json(),
                                        tool.spec().annotations()))
                                .toList(),
                        redactor.scrub(listing.problem())))
                .toList();
    }

    @POST
    @Path("/{toolset}/{tool}/test")
    @Consumes(MediaType.WILDCARD)
    @RunOnVirtualThread
    @RolesAllowed(Role.Names.OPERATOR)
    @Operation(
            summary = "Call one tool directly with the body as its arguments; recorded as a run (trigger tool-test)"
                    + " whose one step is the call")
    public RunView test(@PathParam("toolset") String toolset, @PathParam("tool") String tool, byte[] body) {
        Caller caller = Callers.of(identity);
        if (caller.limited()) {
            throw new AgentryException.InvalidInput(
                    403,
                    "the key '" + caller.actor().name() + "' is limited to agents " + caller.agents()
                            + "; a direct tool call acts outside any agent, so it needs a key for every agent"
                            + " (agents [\"*\"])");
        }
        if (!AssetFolder.NAME.matcher(toolset).matches()) {
            throw new AgentryException.InvalidInput("'" + AgentsResource.abbreviate(toolset)
                    + "' is not a valid toolset name; names are lowercase letters, digits and hyphens");
        }
        if (!NamedTool.NAME.matcher(tool).matches()) {
            throw new AgentryException.InvalidInput("'" + AgentsResource.abbreviate(tool)
                    + "' is not a valid tool name; names are lowercase letters, digits and '_'");
        }
        ObjectNode arguments = JsonBody.object(
                        body, "smaller arguments", "{\"q\": \"x\"}, the tool's arguments", "{\"q\": \"x\"}")
                .orElseGet(JsonNodeFactory.instance::objectNode);
        RunService.Snapshot run = tests.call(toolset, tool, arguments, caller.actor());
        return RunView.of(run.run(), run.steps());
    }

    /** The toolset's settings as its file says them, secrets masked (plain fields included: a URL may hold one). */
    private JsonNode settings(ToolsetDefinition definition) {
        if (definition == null) {
            return null;
        }
        JsonNode json = YAML_NAMES.toJson(definition);
        if (json instanceof ObjectNode object) {
            // The tools are listed below with what models see; their templates stay in the file.
            object.remove("tools");
            object.remove("name");
            object.remove("description");
        }
        return redactor.scrub(json);
    }
}
