package dev.agentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import dev.agentry.audit.AuditQuery;
import dev.agentry.audit.AuditRecord;
import dev.agentry.audit.AuditStore;
import dev.agentry.audit.AuditTrail;
import dev.agentry.audit.RecordType;
import dev.agentry.audit.Verification;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit journal: query it, verify its chain and signatures, export it for offline checks. */
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit")
@RolesAllowed(Role.Names.AUDITOR)
public class AuditResource {

    static final String NDJSON = "application/x-ndjson";
    private static final int DEFAULT_LIMIT = 100;

    private final AuditStore store;
    private final AuditTrail trail;
    private final SecurityIdentity identity;

    AuditResource(AuditStore store, AuditTrail trail, SecurityIdentity identity) {
        this.store = store;
        this.trail = trail;
        this.identity = identity;
    }

    /** A record as read: its fields, and the hash that chains it. */
    public record RecordView(
            long seq,
            Instant at,
            String type,
            String runId,
            String agent,
            ActorView actor,
            JsonNode data,
            String prev,
            String hash) {
        static RecordView of(AuditRecord record) {
            return new RecordView(
                    record.seq(),
                    record.at(),
                    record.type() == null ? null : record.type().id(),
                    record.runId(),
                    record.agent(),
                    new ActorView(record.actorType(), record.actorId()),
                    record.data(),
                    record.prev(),
                    record.hash());
        }
    }

    public record ActorView(String type, String id) {}

    /** A page of records, oldest first; {@code nextCursor} fetches the next, null on the last. */
    public record RecordPage(List<RecordView> items, String nextCursor) {}

    @GET
    @RunOnVirtualThread
    @Operation(summary = "Records, oldest first; filter by agent, type and time, page with limit and cursor")
    public RecordPage list(
            @QueryParam("agent") String agent,
            @QueryParam("type") String type,
            @QueryParam("since") String since,
            @QueryParam("until") String until,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        Caller caller = Callers.of(identity);
        AuditQuery query = new AuditQuery(
                null,
                blankToNull(agent),
                type(type),
                instant("since", since),
                instant("until", until),
                limit(limit),
                cursor(cursor),
                caller.limited() ? caller.agents() : null);
        return page(store.query(query), query.limit());
    }

    static RecordPage page(List<AuditRecord> records, int limit) {
        String next = records.size() == limit ? String.valueOf(records.getLast().seq()) : null;
        return new RecordPage(records.stream().map(RecordView::of).toList(), next);
    }

    @GET
    @Path("/verify")
    @RunOnVirtualThread
    @Operation(summary = "Check the hash chain and the signed checkpoints of records from..to (all by default)")
    public Verification verify(@QueryParam("from") String from, @QueryParam("to") String to) {
        requireWholeJournal("verify");
        Range range = range(from, to);
        return trail.verify(range.from(), range.to());
    }

    /** The chain's newest record, and the newest signed checkpoint (null until the first). */
    public record HeadView(long seq, String hash, dev.agentry.audit.Checkpoint checkpoint) {}

    @GET
    @Path("/head")
    @RunOnVirtualThread
    @Operation(summary = "The chain's head (newest seq and hash) and the newest signed checkpoint")
    public HeadView head() {
        requireWholeJournal("read the head of");
        AuditStore.Head head = store.head();
        return new HeadView(head.seq(), head.hash(), store.lastCheckpoint().orElse(null));
    }

    @GET
    @Path("/export")
    @RunOnVirtualThread
    @Produces(NDJSON)
    @Operation(summary = "Records from..to and their checkpoints as NDJSON, for ./agentry audit verify")
    public Response export(@QueryParam("from") String from, @QueryParam("to") String to) {
        requireWholeJournal("export");
        Range range = range(from, to);
        StreamingOutput body = output -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8));
            trail.export(range.from(), range.to(), writer);
            writer.flush();
        };
        return Response.ok(body, NDJSON)
                .header("Content-Disposition", "attachment; filename=\"agentry-audit.ndjson\"")
                .build();
    }

    @GET
    @Path("/public-key")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The Ed25519 public key (PEM) that checkpoints are signed with")
    public String publicKey() {
        return trail.publicKey();
    }

    private void requireWholeJournal(String what) {
        Caller caller = Callers.of(identity);
        if (caller.limited()) {
            throw new AgentryException.InvalidInput(
                    403,
                    "the key '" + caller.actor().name() + "' is limited to agents " + caller.agents() + "; to " + what
                            + " the chain, which holds every agent's records, use a key for every agent");
        }
    }

    private static RecordType type(String type) {
        if (blankToNull(type) == null) {
            return null;
        }
        return RecordType.of(type.trim())
                .orElseThrow(() -> new AgentryException.InvalidInput("'" + AgentsResource.abbreviate(type)
                        + "' is not a record type; use one of "
                        + Arrays.stream(RecordType.values()).map(RecordType::id).collect(Collectors.joining(", "))));
    }

    private static Instant instant(String name, String text) {
        if (blankToNull(text) == null) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new AgentryException.InvalidInput(
                    name + " must be an ISO-8601 instant such as 2026-12-01T08:00:00Z, got '"
                            + AgentsResource.abbreviate(text) + "'");
        }
    }

    static int limit(String text) {
        return PageLimit.of(text, DEFAULT_LIMIT, AuditQuery.MAX_LIMIT);
    }

    static long cursor(String text) {
        return naturalOr0(
                text,
                () -> "cursor '" + AgentsResource.abbreviate(text)
                        + "' was not issued by Agentry; pass the nextCursor of the previous page, or none for the first");
    }

    /** Records {@code from..to} by seq, both included; 0 where not given: from the first, to the last. */
    private record Range(long from, long to) {}

    /** A range that ends before it starts is refused rather than answered as an empty stretch that verifies. */
    private static Range range(String from, String to) {
        long first = seq("from", from);
        long last = seq("to", to);
        if (first > 0 && last > 0 && first > last) {
            throw new AgentryException.InvalidInput("from (" + first + ") is after to (" + last
                    + "); from..to is a range of record seqs, the older first, both included");
        }
        return new Range(first, last);
    }

    private static long seq(String name, String text) {
        return naturalOr0(
                text,
                () -> name + " must be a record's seq (a whole number from 1), got '" + AgentsResource.abbreviate(text)
                        + "'");
    }

    /** The whole number {@code text} holds, 0 when it is blank; anything else is refused with {@code problem}. */
    private static long naturalOr0(String text, java.util.function.Supplier<String> problem) {
        if (blankToNull(text) == null) {
            return 0;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new AgentryException.InvalidInput(problem.get());
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
