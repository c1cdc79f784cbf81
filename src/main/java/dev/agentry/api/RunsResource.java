package dev.agentry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.AgentryException;
import dev.agentry.access.Caller;
import dev.agentry.access.Role;
import dev.agentry.audit.AuditQuery;
import dev.agentry.audit.AuditRecord;
import dev.agentry.audit.AuditStore;
import dev.agentry.audit.Chain;
import dev.agentry.run.Run;
import dev.agentry.run.RunEvent;
import dev.agentry.run.RunEvents;
import dev.agentry.run.RunIds;
import dev.agentry.run.RunQuery;
import dev.agentry.run.RunService;
import dev.agentry.run.RunStatus;
import dev.agentry.run.Step;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/** Runs: list, read, cancel, and follow one live. */
@Path("/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Runs")
@RolesAllowed(Role.Names.VIEWER)
public class RunsResource {

    private static final Logger LOG = Logger.getLogger(RunsResource.class);
    private static final int DEFAULT_LIMIT = 20;
    private static final long KEEP_ALIVE_SECONDS = 15;
    private static final long REMOTE_POLL_MS = 150;
    private static final long LIST_POLL_MS = 1000;

    private final RunService runs;
    private final RunEvents events;
    private final ObjectMapper json;
    private final AuditStore audit;
    private final StreamQuota streams;
    private final SecurityIdentity identity;
    /** Reads of the store made by event streams: the load that following runs puts on the database. */
    private final Counter streamReads;

    RunsResource(
            RunService runs,
            RunEvents events,
            ObjectMapper json,
            AuditStore audit,
            StreamQuota streams,
            SecurityIdentity identity,
            MeterRegistry metrics) {
        this.runs = runs;
        this.events = events;
        this.json = json;
        this.audit = audit;
        this.streams = streams;
        this.identity = identity;
        this.streamReads = metrics.counter("agentry.events.store.reads");
    }

    @GET
    @RunOnVirtualThread
    @Operation(summary = "Runs, newest first; filter by agent and status, page with limit and cursor")
    public RunPage list(
            @QueryParam("agent") String agent,
            @QueryParam("status") String status,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return page(query(agent, status, limit, cursor));
    }

    private RunPage page(RunQuery query) {
        List<Run> page = runs.list(query);
        String next = page.size() == query.limit() ? page.getLast().id() : null;
        Map<String, Integer> denials = runs.denials(page.stream().map(Run::id).toList());
        return new RunPage(
                page.stream()
                        .map(run -> RunView.of(run, null).withDenials(denials.getOrDefault(run.id(), 0)))
                        .toList(),
                next);
    }

    private RunQuery query(String agent, String status, String limit, String cursor) {
        if (blankToNull(cursor) != null && !RunIds.isValid(cursor.trim())) {
            throw new AgentryException.InvalidInput("cursor '" + AgentsResource.abbreviate(cursor)
                    + "' was not issued by Agentry; pass the nextCursor of the previous page, or none for the first");
        }
        Caller caller = Callers.of(identity);
        try {
            return new RunQuery(
                    blankToNull(agent),
                    blankToNull(status) == null ? null : RunStatus.of(status),
                    limit == null || limit.isBlank() ? DEFAULT_LIMIT : Integer.parseInt(limit.trim()),
                    blankToNull(cursor),
                    caller.limited() ? caller.agents() : null);
        } catch (NumberFormatException e) {
            throw new AgentryException.InvalidInput(
                    "limit must be a whole number from 1 to " + RunQuery.MAX_LIMIT + ", got '" + limit + "'");
        } catch (IllegalArgumentException e) {
            throw new AgentryException.InvalidInput(e.getMessage());
        }
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(
            summary = "Server-sent events: 'runs' with the first page of the list (filters as for the list), again"
                    + " whenever a run on it is created or changes; ends after 'seconds' (default 300, at most 3600)")
    public void stream(
            @QueryParam("agent") String agent,
            @QueryParam("status") String status,
            @QueryParam("limit") String limit,
            @QueryParam("seconds") String seconds,
            @Context SseEventSink sink,
            @Context Sse sse) {
        RunQuery query = query(agent, status, limit, null);
        long lasting = streamSeconds(seconds);
        StreamQuota.Permit permit = streams.acquire(Callers.of(identity).actor().id());
        opened(sink, sse, permit);
        Thread.ofVirtual().name("sse-runs").start(() -> {
            try (permit;
                    SseEventSink out = sink) {
                followList(query, lasting, out, sse);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debugf("A run list stream ended early: %s", e);
            }
        });
    }

    private static long streamSeconds(String seconds) {
        if (seconds == null || seconds.isBlank()) {
            return 300;
        }
        try {
            long value = Long.parseLong(seconds.trim());
            if (value >= 1 && value <= 3600) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AgentryException.InvalidInput(
                "seconds must be a whole number from 1 to 3600, got '" + AgentsResource.abbreviate(seconds) + "'");
    }

    /**
     * Sends the list's first page, then reads it again every second and sends it when it differs: the
     * store is read, not this replica's events, so runs of every replica appear.
     */
    private void followList(RunQuery query, long seconds, SseEventSink out, Sse sse) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String sent = null;
        long quietSince = System.nanoTime();
        while (!out.isClosed() && System.nanoTime() < end) {
            streamReads.increment();
            String page = json.writeValueAsString(page(query));
            if (!page.equals(sent)) {
                emit(out, sse.newEventBuilder().name("runs").data(page).build());
                sent = page;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(KEEP_ALIVE_SECONDS)) {
                emit(out, sse.newEventBuilder().comment("keep-alive").build());
                quietSince = System.nanoTime();
            }
            Thread.sleep(LIST_POLL_MS);
        }
    }

    @GET
    @Path("/{id}")
    @RunOnVirtualThread
    @Operation(summary = "One run with every committed step")
    public RunView get(@PathParam("id") String id) {
        return RunView.of(require(id), runs.steps(id));
    }

    @POST
    @Path("/{id}/cancel")
    @RunOnVirtualThread
    @RolesAllowed(Role.Names.OPERATOR)
    @Operation(summary = "Cancel a run that has not ended; 409 when it has")
    public RunView cancel(@PathParam("id") String id) {
        require(id);
        return RunView.of(runs.cancel(id, Callers.of(identity).actor()), runs.steps(id));
    }

    @GET
    @Path("/{id}/audit")
    @RunOnVirtualThread
    @RolesAllowed(Role.Names.AUDITOR)
    @Produces({MediaType.APPLICATION_JSON, AuditResource.NDJSON})
    @Operation(
            summary = "The run's journal records in order, as {\"items\": [...]} or, with Accept:"
                    + " application/x-ndjson, one record per line")
    public Response audit(
            @PathParam("id") String id,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor,
            @HeaderParam("Accept") String accept) {
        require(id);
        AuditQuery query = new AuditQuery(
                id, null, null, null, null, AuditResource.limit(limit), AuditResource.cursor(cursor), null);
        List<AuditRecord> records = audit.query(query);
        if (accept != null && accept.contains(AuditResource.NDJSON)) {
            StringBuilder lines = new StringBuilder();
            for (AuditRecord record : records) {
                lines.append(Chain.line(record.body(), record.hash())).append('\n');
            }
            return Response.ok(lines.toString(), AuditResource.NDJSON).build();
        }
        return Response.ok(AuditResource.page(records, query.limit()), MediaType.APPLICATION_JSON)
                .build();
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(
            summary = "Server-sent events: 'status', then each 'step' as it is committed (earlier ones first),"
                    + " then 'end' with the finished run")
    public void events(@PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse) {
        require(id);
        StreamQuota.Permit permit = streams.acquire(Callers.of(identity).actor().id());
        opened(sink, sse, permit);
        Thread.ofVirtual().name("sse-" + id).start(() -> {
            try (permit) {
                stream(id, sink, sse);
            }
        });
    }

    /** Follows one run for one client on a thread of its own, which owns and finally closes the sink. */
    @SuppressWarnings("try")
    private void stream(String id, SseEventSink sink, Sse sse) {
        BlockingQueue<RunEvent> live = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = events.subscribe(id, live::add);
                SseEventSink out = sink) {
            new EventStream(id, out, sse).follow(live);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Usually the client went away; nothing to answer. Said, in case it was not that.
            LOG.infof("The event stream of run %s ended early: %s", id, e.toString());
        }
    }

    /** One client following one run: replays the committed steps, then forwards live ones until the end. */
    private final class EventStream {
        private final String id;
        private final SseEventSink out;
        private final Sse sse;
        /** Steps already sent: concurrent calls commit out of index order, so a high-water mark would skip some. */
        private final java.util.Set<Integer> sent = new java.util.HashSet<>();

        EventStream(String id, SseEventSink out, Sse sse) {
            this.id = id;
            this.out = out;
            this.sse = sse;
        }

        void follow(BlockingQueue<RunEvent> live) throws InterruptedException {
            Run run = current(id);
            send("status", new StatusView(run.status()));
            catchUp();
            while (!run.status().terminal() && !out.isClosed()) {
                // A run executed elsewhere is read from the store often enough that a step another
                // replica commits reaches the client within 200 ms.
                RunEvent event = live.poll(runs.executesHere(id) ? 1000 : REMOTE_POLL_MS, TimeUnit.MILLISECONDS);
                switch (event) {
                    case null -> {
                        // A run executing here publishes every step and its end; only a run executed
                        // elsewhere (another replica, or parked) is followed by reading the store.
                        if (!runs.executesHere(id)) {
                            catchUp();
                            run = current(id);
                        }
                        keepAlive();
                    }
                    case RunEvent.StepAdded added -> sendStep(added.step());
                    case RunEvent.StatusChanged changed -> send("status", new StatusView(changed.status()));
                    case RunEvent.Finished finished -> run = finished.run();
                }
            }
            catchUp();
            send("end", RunView.of(run, null));
        }

        private void catchUp() {
            streamReads.increment();
            for (Step step : runs.steps(id)) {
                sendStep(step);
            }
        }

        private void sendStep(Step step) {
            if (sent.add(step.index())) {
                send("step", RunView.StepView.of(step));
            }
        }

        private long quietSince = System.nanoTime();

        private void keepAlive() {
            if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(KEEP_ALIVE_SECONDS)) {
                emit(out, sse.newEventBuilder().comment("keep-alive").build());
                quietSince = System.nanoTime();
            }
        }

        private void send(String name, Object data) {
            String text;
            try {
                text = json.writeValueAsString(data);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the " + name + " event", e);
            }
            OutboundSseEvent event = sse.newEventBuilder().name(name).data(text).build();
            emit(out, event);
            quietSince = System.nanoTime();
        }
    }

    /**
     * Writes the stream's head from the request's own thread, before a thread of ours sends anything:
     * RESTEasy writes the head after the resource method returns unless it is written already, and a
     * first event sent at that moment from another thread failed the stream ("Response head already
     * sent"). A client that went away meanwhile gives its permit back.
     */
    private static void opened(SseEventSink sink, Sse sse, StreamQuota.Permit permit) {
        try {
            emit(sink, sse.newEventBuilder().comment("stream opened").build());
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
    }

    /** Sends one event, or comment, and waits until it is written: a stream's thread sends in order. */
    private static void emit(SseEventSink out, OutboundSseEvent event) {
        out.send(event).toCompletableFuture().join();
    }

    /** The body of a {@code status} event. */
    public record StatusView(RunStatus status) {}

    /** The run as it is now, for a stream whose caller was checked when it was opened. */
    private Run current(String id) {
        streamReads.increment();
        return runs.find(id).orElseThrow(() -> new AgentryException.NotFound("run " + id + " is gone"));
    }

    private Run require(String id) {
        if (!RunIds.isValid(id)) {
            throw new AgentryException.NotFound("there is no run with id '" + AgentsResource.abbreviate(id)
                    + "'; run ids look like run_01JD5Y8C9V3M0Q8X4T6B2N7R1K");
        }
        String missing = "there is no run with id '" + id + "'";
        Run run = runs.find(id).orElseThrow(() -> new AgentryException.NotFound(missing));
        Callers.requireSees(Callers.of(identity), run.agent(), missing);
        return run;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
