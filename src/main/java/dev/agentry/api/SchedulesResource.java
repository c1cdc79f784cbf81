package dev.agentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import dev.agentry.asset.DurationText;
import dev.agentry.schedule.Occurrence;
import dev.agentry.schedule.Schedules;
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
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The agents' schedules: what they will do next and did last; pause, resume, trigger and backfill them. */
@Path("/v1/schedules")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Schedules")
@RolesAllowed(Role.Names.VIEWER)
public class SchedulesResource {

    private static final String BACKFILL_EXAMPLE =
            "{\"from\": \"2026-12-01T00:00:00Z\", \"to\": \"2026-12-03T00:00:00Z\"}";
    private static final Set<String> BACKFILL_FIELDS = Set.of("from", "to");
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;

    private final Schedules schedules;
    private final SecurityIdentity identity;

    SchedulesResource(Schedules schedules, SecurityIdentity identity) {
        this.schedules = schedules;
        this.identity = identity;
    }

    /** The last occurrence that was not missed: its run (if it started one), its status and its time. */
    public record LastView(String runId, String status, Instant scheduledAt) {}

    /** A schedule as the API shows it; times in {@code next} are in the schedule's zone. */
    public record ScheduleView(
            String agent,
            String cron,
            String timezone,
            boolean paused,
            String pausedBy,
            String pausedReason,
            String overlap,
            String catchUp,
            String jitter,
            List<String> next,
            LastView last,
            long missed) {}

    /** One occurrence: started, waiting, skipped or missed, and why. */
    public record OccurrenceView(
            String agent,
            Instant scheduledAt,
            String outcome,
            String runId,
            String status,
            String reason,
            long count,
            boolean manual,
            Instant recordedAt) {}

    public record OccurrencePage(List<OccurrenceView> items) {}

    @GET
    @RunOnVirtualThread
    @Operation(summary = "Every schedule in force: next three times, the last occurrence, missed occurrences")
    public List<ScheduleView> list() {
        Caller caller = Callers.of(identity);
        return schedules.list().stream()
                .filter(view -> caller.sees(view.agent()))
                .map(this::view)
                .toList();
    }

    @GET
    @Path("/{agent}")
    @RunOnVirtualThread
    @Operation(summary = "One agent's schedule")
    public ScheduleView get(@PathParam("agent") String agent) {
        return view(schedules.find(visible(agent)));
    }

    @GET
    @Path("/{agent}/occurrences")
    @RunOnVirtualThread
    @Operation(summary = "An agent's occurrences, newest first: started, buffered, skipped and missed, with reasons")
    public OccurrencePage occurrences(@PathParam("agent") String agent, @QueryParam("limit") String limit) {
        return new OccurrencePage(
                schedules.occurrences(visible(agent), PageLimit.of(limit, DEFAULT_LIMIT, MAX_LIMIT)).stream()
                        .map(this::view)
                        .toList());
    }

    @POST
    @Path("/{agent}/pause")
    @Consumes(MediaType.WILDCARD)
    @RunOnVirtualThread
    @RolesAllowed(Role.Names.OPERATOR)
    @Operation(summary = "Pause a schedule; it stays paused across restarts and file edits until resumed")
    public ScheduleView pause(@PathParam("agent") String agent) {
        return view(schedules.pause(visible(agent), Callers.of(identity).actor()));
    }

    @POST
    @Path("/{agent}/resume")
    @Consumes(MediaType.WILDCARD)
    @RunOnVirtualThread
    @RolesAllowed(Role.Names.OPERATOR)
    @Operation(summary = "Resume a schedule from now; occurrences while it was paused are not caught up")
    public ScheduleView resume(@PathParam("agent") String agent) {
        return view(schedules.resume(visible(agent), Callers.of(identity).actor()));
    }

    @POST
    @Path("/{agent}/trigger")
    @Consumes(MediaType.WILDCARD)
    @RunOnVirtualThread
    @RolesAllowed(Role.Names.OPERATOR)
    @Operation(
            summary = "One occurrence now, under the overlap policy: 202 with it (started with its run, or skipped"
                    + " with the reason)")
    public Response trigger(@PathParam("agent") String agent) {
        Occurrence occurrence =
                schedules.trigger(visible(agent), Callers.of(identity).actor());
        return Response.accepted(view(occurrence)).build();
    }

    @POST
    @Path("/{agent}/backfill")
    @Consumes(MediaType.WILDCARD)
    @RunOnVirtualThread
    @RolesAllowed(Role.Names.OPERATOR)
    @Operation(
            summary = "Each occurrence from 'from' to 'to' (both included) once, in order: one after another (all at"
                    + " once under overlap: allow); occurrences handled before keep their outcome")
    public Response backfill(@PathParam("agent") String agent, byte[] body) {
        String name = visible(agent);
        ObjectNode request = JsonBody.object(body, "a smaller body", BACKFILL_EXAMPLE, BACKFILL_EXAMPLE)
                .orElseThrow(() -> new AgentryException.InvalidInput("send the range, such as " + BACKFILL_EXAMPLE));
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!BACKFILL_FIELDS.contains(field)) {
                throw new AgentryException.InvalidInput("the request body has an unknown field '"
                        + AgentsResource.abbreviate(field) + "'; the fields are from and to");
            }
        }
        List<Occurrence> handled = schedules.backfill(
                name,
                time(request, "from"),
                time(request, "to"),
                Callers.of(identity).actor());
        return Response.accepted(
                        new OccurrencePage(handled.stream().map(this::view).toList()))
                .build();
    }

    private ScheduleView view(Schedules.View view) {
        ZoneId zone = view.schedule().zone();
        DateTimeFormatter format = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
        return new ScheduleView(
                view.agent(),
                view.schedule().cron(),
                view.schedule().timezone(),
                view.paused(),
                view.pausedBy(),
                view.pausedReason(),
                view.schedule().overlap(),
                view.schedule().catchUpText(),
                DurationText.format(view.schedule().jitter()),
                view.next().stream()
                        .map(at -> format.format(at.atZone(zone).toOffsetDateTime()))
                        .toList(),
                view.last()
                        .map(last -> new LastView(
                                last.runId(),
                                schedules.runStatus(last).orElse(last.outcome().id()),
                                last.scheduledAt()))
                        .orElse(null),
                view.missed());
    }

    private OccurrenceView view(Occurrence occurrence) {
        return new OccurrenceView(
                occurrence.agent(),
                occurrence.scheduledAt(),
                occurrence.outcome().id(),
                occurrence.runId(),
                schedules.runStatus(occurrence).orElse(null),
                occurrence.reason(),
                occurrence.count(),
                occurrence.manual(),
                occurrence.recordedAt());
    }

    /** The agent's name when the caller may see it; otherwise 404, as if it had no schedule. */
    private String visible(String agent) {
        Callers.requireSees(
                Callers.of(identity),
                agent,
                "agent '" + AgentsResource.abbreviate(agent) + "' has no schedule in force; GET /v1/schedules lists"
                        + " the schedules");
        return agent;
    }

    private static Instant time(ObjectNode request, String field) {
        JsonNode value = request.path(field);
        if (!value.isTextual()) {
            throw new AgentryException.InvalidInput(
                    "'" + field + "' is required, an ISO-8601 time such as " + BACKFILL_EXAMPLE);
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new AgentryException.InvalidInput("'" + field + "' is not an ISO-8601 time with an offset: '"
                    + AgentsResource.abbreviate(value.asText()) + "'; write it such as " + BACKFILL_EXAMPLE);
        }
    }
}
