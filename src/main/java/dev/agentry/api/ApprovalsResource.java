package dev.agentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import dev.agentry.run.Approval;
import dev.agentry.run.Approvals;
import dev.agentry.run.RunIds;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Tool calls waiting for a person: list them, read one, approve or reject it. */
@Path("/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Approvals")
@RolesAllowed(Role.Names.VIEWER)
public class ApprovalsResource {

    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;
    private static final int MAX_COMMENT = 2_000;
    private static final String EXAMPLE = "{\"decision\": \"approve\", \"comment\": \"checked with the customer\"}";
    private static final Set<String> FIELDS = Set.of("decision", "comment");

    private final Approvals approvals;
    private final SecurityIdentity identity;

    ApprovalsResource(Approvals approvals, SecurityIdentity identity) {
        this.approvals = approvals;
        this.identity = identity;
    }

    /** One approval as the API shows it. */
    public record ApprovalView(
            String id,
            String runId,
            String agent,
            String tool,
            JsonNode arguments,
            String origin,
            String policy,
            String rule,
            String reason,
            Approval.Status status,
            Instant requestedAt,
            Instant expiresAt,
            Instant decidedAt,
            String decidedBy,
            String comment) {

        static ApprovalView of(Approval approval) {
            return new ApprovalView(
                    approval.id(),
                    approval.runId(),
                    approval.agent(),
                    approval.tool(),
                    approval.arguments(),
                    approval.origin(),
                    approval.policy(),
                    approval.rule(),
                    approval.reason(),
                    approval.status(),
                    approval.requestedAt(),
                    approval.expiresAt(),
                    approval.decidedAt(),
                    approval.decidedBy(),
                    approval.comment());
        }
    }

    public record ApprovalPage(List<ApprovalView> items, String nextCursor) {}

    @GET
    @RunOnVirtualThread
    @Operation(summary = "Approvals, oldest first; filter by status and agent, page with limit and cursor")
    public ApprovalPage list(
            @QueryParam("status") String status,
            @QueryParam("agent") String agent,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        Caller caller = Callers.of(identity);
        Approval.Status wanted;
        try {
            wanted = blankToNull(status) == null ? null : Approval.Status.of(status.trim());
        } catch (IllegalArgumentException e) {
            throw new AgentryException.InvalidInput(e.getMessage());
        }
        String after = blankToNull(cursor);
        if (after != null && !RunIds.isApprovalId(after)) {
            throw new AgentryException.InvalidInput("cursor '" + AgentsResource.abbreviate(after)
                    + "' was not issued by Agentry; pass the nextCursor of the previous page, or none for the first");
        }
        int size = PageLimit.of(limit, DEFAULT_LIMIT, MAX_LIMIT);
        List<Approval> page =
                approvals.list(wanted, blankToNull(agent), caller.limited() ? caller.agents() : null, size, after);
        String next = page.size() == size ? page.getLast().id() : null;
        return new ApprovalPage(page.stream().map(ApprovalView::of).toList(), next);
    }

    @GET
    @Path("/{id}")
    @RunOnVirtualThread
    @Operation(summary = "One approval")
    public ApprovalView get(@PathParam("id") String id) {
        return ApprovalView.of(require(id));
    }

    @POST
    @Path("/{id}")
    @Consumes(MediaType.WILDCARD)
    @RunOnVirtualThread
    @RolesAllowed(Role.Names.OPERATOR)
    @Operation(
            summary = "Approve or reject a pending call: 200 with the approval; 409 once it is decided. The call"
                    + " is made as requested; a rejection is told to the model with the comment")
    public ApprovalView decide(@PathParam("id") String id, byte[] body) {
        require(id);
        ObjectNode request = JsonBody.object(body, "a shorter comment", EXAMPLE, EXAMPLE)
                .orElseThrow(() -> new AgentryException.InvalidInput("send the decision, such as " + EXAMPLE));
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new AgentryException.InvalidInput("the request body has an unknown field '"
                        + AgentsResource.abbreviate(name) + "'; the fields are decision and comment");
            }
        }
        JsonNode decision = request.path("decision");
        if (!decision.isTextual() || !Set.of("approve", "reject").contains(decision.asText())) {
            throw new AgentryException.InvalidInput("decision must be \"approve\" or \"reject\", such as " + EXAMPLE);
        }
        JsonNode comment = request.path("comment");
        if (!comment.isMissingNode() && !comment.isNull() && !comment.isTextual()) {
            throw new AgentryException.InvalidInput("comment must be text, such as " + EXAMPLE);
        }
        String text = comment.isTextual() ? comment.asText() : null;
        if (text != null && text.length() > MAX_COMMENT) {
            throw new AgentryException.InvalidInput(
                    "comment is " + text.length() + " characters; keep it to " + MAX_COMMENT);
        }
        return ApprovalView.of(approvals.decide(
                id,
                decision.asText().equals("approve"),
                text,
                Callers.of(identity).actor()));
    }

    /** The approval, if it exists and the caller may see its agent; 404 otherwise. */
    private Approval require(String id) {
        String missing = "there is no approval with id '" + AgentsResource.abbreviate(id) + "'";
        if (!RunIds.isApprovalId(id)) {
            throw new AgentryException.NotFound(missing + "; approval ids look like apr_01JD5Y8C9V3M0Q8X4T6B2N7R1K");
        }
        Approval approval = approvals.find(id).orElseThrow(() -> new AgentryException.NotFound(missing));
        Callers.requireSees(Callers.of(identity), approval.agent(), missing);
        return approval;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
