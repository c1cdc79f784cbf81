package dev.agentry.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import dev.agentry.agent.Cron;
import dev.agentry.agent.Schedule;
import dev.agentry.audit.Fact;
import dev.agentry.audit.Journal;
import dev.agentry.audit.RecordType;
import dev.agentry.run.RunIds;
import dev.agentry.run.Trigger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Decides, occurrence by occurrence, what a schedule does: start a run, wait, skip, or record a miss.
 * Every decision goes through {@link ScheduleStore#claim}, so an occurrence is handled once whichever
 * replica, retry or restart comes to it; this class keeps only where each schedule has got to, which
 * it can always rebuild from the store.
 *
 * <p>It reads no clock: the caller passes {@code now}, which is how tests walk schedules across
 * daylight-saving changes.
 */
public final class ScheduleEngine {

    /** Starts and cancels runs for the engine; {@link dev.agentry.run.RunService} in the service. */
    public interface Runs {
        /** @throws AgentryException when the run cannot start, with the reason */
        void start(String runId, String agent, JsonNode input, Trigger trigger, Actor actor);

        void cancel(String runId, Actor actor);
    }

    /** The most occurrences one backfill may ask for. */
    public static final int MAX_BACKFILL = 1000;

    /** The most missed occurrences walked in one tick; a longer outage is walked over several. */
    private static final int MAX_WALK = 10_000;

    /**
     * How late a tick may come to an occurrence beyond the catch-up window and still run it: ticks come
     * every second, and a busy replica may be a little later.
     */
    private static final Duration GRACE = Duration.ofSeconds(5);

    /** A claimed start older than this with no run was interrupted, and is completed. */
    private static final Duration INTERRUPTED_START = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(ScheduleEngine.class);

    private final ScheduleStore store;
    private final Runs runs;
    private final Journal journal;
    private final Map<String, Position> positions = new ConcurrentHashMap<>();
    /** When each schedule's claimed but unstarted occurrences were last looked for. */
    private final Map<String, Instant> interruptedChecked = new ConcurrentHashMap<>();
    /**
     * Schedules that may have buffered occurrences waiting: those this engine buffered, and every one
     * at each periodic check (another replica may have buffered some). The others are not asked about
     * them on every tick.
     */
    private final Set<String> mayHaveBuffered = ConcurrentHashMap.newKeySet();

    /** Where a schedule has got to: occurrences up to {@code considered} are handled. */
    private record Position(Schedule schedule, Instant considered) {}

    public ScheduleEngine(ScheduleStore store, Runs runs, Journal journal) {
        this.store = store;
        this.runs = runs;
        this.journal = journal;
    }

    /**
     * Handles every occurrence of every schedule that is due at {@code now}, and starts buffered
     * occurrences whose previous run has ended.
     *
     * @param schedules the schedules in force, by agent
     */
    public void tick(Map<String, Schedule> schedules, Instant now) {
        positions.keySet().retainAll(schedules.keySet());
        interruptedChecked.keySet().retainAll(schedules.keySet());
        mayHaveBuffered.retainAll(schedules.keySet());
        for (Map.Entry<String, Schedule> entry : schedules.entrySet()) {
            try {
                advance(entry.getKey(), entry.getValue(), now);
            } catch (AgentryException e) {
                LOG.errorf("Schedule of %s: %s; trying again at the next tick", entry.getKey(), e.getMessage());
            }
        }
    }

    private void advance(String agent, Schedule schedule, Instant now) {
        Position position = positions.get(agent);
        Instant checked = interruptedChecked.get(agent);
        if (checked == null || !checked.plus(INTERRUPTED_START).isAfter(now)) {
            // Another replica may have died between claiming an occurrence and creating its run, or
            // buffered occurrences this one has not heard of.
            interruptedChecked.put(agent, now);
            completeInterruptedStarts(agent, schedule, now);
            mayHaveBuffered.add(agent);
        }
        if (position == null) {
            position = new Position(schedule, resumePoint(agent, now));
        } else if (!position.schedule().cron().equals(schedule.cron())
                || !position.schedule().timezone().equals(schedule.timezone())) {
            // A changed cron counts from now: the new one's past occurrences were never promised.
            position = new Position(schedule, later(position.considered(), now));
        } else {
            position = new Position(schedule, position.considered());
        }
        Cron cron = schedule.parsedCron();
        Instant considered = position.considered();
        Optional<Instant> first = cron.next(considered, schedule.zone());
        if (first.isPresent()
                && !first.get().plus(jitter(agent, first.get(), schedule)).isAfter(now)) {
            considered = walk(agent, schedule, cron, considered, now);
        }
        positions.put(agent, new Position(schedule, considered));
        if (mayHaveBuffered.contains(agent)) {
            startBuffered(agent, schedule, now);
        }
    }

    /** Handles the occurrences due after {@code considered}; returns the last one handled. */
    private Instant walk(String agent, Schedule schedule, Cron cron, Instant considered, Instant now) {
        ScheduleStore.State state = store.state(agent, now);
        Duration window = schedule.catchUpWindow(now);
        long missed = 0;
        Instant firstMissed = null;
        Instant lastMissed = null;
        for (int walked = 0; walked < MAX_WALK; walked++) {
            Optional<Instant> next = cron.next(considered, schedule.zone());
            if (next.isEmpty()
                    || next.get().plus(jitter(agent, next.get(), schedule)).isAfter(now)) {
                break;
            }
            Instant occurrence = next.get();
            considered = occurrence;
            if (paused(schedule, state)) {
                continue;
            }
            Duration late = Duration.between(occurrence.plus(jitter(agent, occurrence, schedule)), now);
            if (late.compareTo(window.plus(GRACE)) > 0) {
                missed++;
                firstMissed = firstMissed == null ? occurrence : firstMissed;
                lastMissed = occurrence;
                continue;
            }
            if (missed > 0) {
                recordMissed(agent, schedule, firstMissed, lastMissed, missed, now);
                missed = 0;
                firstMissed = null;
            }
            state = fire(agent, schedule, state, occurrence, false, Actor.schedule(agent), now);
        }
        if (missed > 0) {
            recordMissed(agent, schedule, firstMissed, lastMissed, missed, now);
        }
        return considered;
    }

    /**
     * When the next occurrence of any of {@code schedules} is due (its time plus its jitter), as far as
     * this engine has walked them; empty before the first tick.
     */
    public Optional<Instant> nextDue(Map<String, Schedule> schedules) {
        Instant earliest = null;
        for (Map.Entry<String, Schedule> entry : schedules.entrySet()) {
            Position position = positions.get(entry.getKey());
            if (position == null) {
                continue;
            }
            Schedule schedule = entry.getValue();
            Optional<Instant> next = schedule.parsedCron().next(position.considered(), schedule.zone());
            if (next.isPresent()) {
                Instant due = next.get().plus(jitter(entry.getKey(), next.get(), schedule));
                earliest = earliest == null || due.isBefore(earliest) ? due : earliest;
            }
        }
        return Optional.ofNullable(earliest);
    }

    /**
     * Where a schedule resumes after a start: after its last handled occurrence, when it was first seen,
     * or when it was last paused or resumed, whichever is latest.
     */
    private Instant resumePoint(String agent, Instant now) {
        ScheduleStore.State state = store.state(agent, now);
        Instant from = state.changedAt() == null ? state.firstSeen() : later(state.firstSeen(), state.changedAt());
        return store.lastHandled(agent).map(last -> later(last, from)).orElse(from);
    }

    /** Starts the runs of occurrences claimed by a replica that stopped before it created them. */
    private void completeInterruptedStarts(String agent, Schedule schedule, Instant now) {
        for (Occurrence claimed : store.withOutcome(agent, Occurrence.Outcome.STARTING)) {
            if (claimed.recordedAt().plus(INTERRUPTED_START).isAfter(now) || claimed.runId() == null) {
                continue;
            }
            if (store.runStatus(claimed.runId()).isPresent()) {
                store.settle(agent, claimed.scheduledAt(), Occurrence.Outcome.STARTED, claimed.runId(), null);
                continue;
            }
            start(agent, schedule, claimed.scheduledAt(), claimed.runId(), claimed.manual(), Actor.schedule(agent));
        }
    }

    /** Whether the schedule is paused: by the API while the file's own {@code paused} is unchanged, else by the file. */
    public static boolean paused(Schedule schedule, ScheduleStore.State state) {
        if (state.paused() != null && schedule.paused().equals(state.filePaused())) {
            return state.paused();
        }
        return schedule.paused();
    }

    /** Handles one occurrence under the schedule's overlap policy; returns the state, paused if it just paused. */
    private ScheduleStore.State fire(
            String agent,
            Schedule schedule,
            ScheduleStore.State state,
            Instant occurrence,
            boolean manual,
            Actor actor,
            Instant now) {
        Integer failures = schedule.pauseAfterFailures();
        if (failures != null) {
            List<String> recent = store.recentStatuses(agent, failures, state.changedAt());
            if (recent.size() == failures && recent.stream().allMatch("failed"::equals)) {
                String reason = "paused after " + failures + " scheduled runs in a row failed; resume it once the"
                        + " cause is fixed (POST /v1/schedules/" + agent + "/resume)";
                store.setPaused(agent, true, schedule.paused(), "schedule", reason, now);
                record(
                        RecordType.SCHEDULE_PAUSED,
                        agent,
                        Actor.schedule(agent),
                        data(null).put("reason", reason));
                skip(agent, occurrence, manual, reason, now);
                return store.state(agent, now);
            }
        }
        List<String> active = store.activeRuns(agent);
        if (!active.isEmpty()) {
            String previous = "the previous scheduled run " + active.getFirst() + " had not ended";
            switch (schedule.overlapPolicy()) {
                case SKIP -> {
                    skip(agent, occurrence, manual, previous + " (overlap: skip)", now);
                    return state;
                }
                case BUFFER_ONE -> {
                    if (store.withOutcome(agent, Occurrence.Outcome.BUFFERED).isEmpty()) {
                        buffer(
                                agent,
                                occurrence,
                                manual,
                                previous + "; starts when it ends (overlap: buffer-one)",
                                now);
                    } else {
                        skip(
                                agent,
                                occurrence,
                                manual,
                                previous + " and one occurrence already waits (overlap:" + " buffer-one)",
                                now);
                    }
                    return state;
                }
                case CANCEL_PREVIOUS -> active.forEach(runId -> cancelQuietly(runId, agent));
                case ALLOW -> {
                    // starts beside it
                }
            }
        }
        String runId = RunIds.next(now);
        if (store.claim(new Occurrence(agent, occurrence, Occurrence.Outcome.STARTING, runId, null, 1, manual, now))) {
            start(agent, schedule, occurrence, runId, manual, actor);
        }
        return state;
    }

    private void cancelQuietly(String runId, String agent) {
        try {
            runs.cancel(runId, Actor.schedule(agent));
        } catch (AgentryException.Conflict ended) {
            // it ended meanwhile
        }
    }

    private void start(String agent, Schedule schedule, Instant occurrence, String runId, boolean manual, Actor actor) {
        try {
            runs.start(runId, agent, input(schedule, occurrence, agent), Trigger.schedule(occurrence, manual), actor);
            store.settle(agent, occurrence, Occurrence.Outcome.STARTED, runId, null);
        } catch (AgentryException.Conflict exists) {
            store.settle(agent, occurrence, Occurrence.Outcome.STARTED, runId, null);
        } catch (AgentryException e) {
            if (e instanceof AgentryException.Unavailable) {
                // Left as starting: completed once the store answers again.
                throw e;
            }
            store.settle(agent, occurrence, Occurrence.Outcome.SKIPPED, null, "could not start: " + e.getMessage());
        }
    }

    /** Records an occurrence that waits for the scheduled run before it to end. */
    private void buffer(String agent, Instant occurrence, boolean manual, String reason, Instant now) {
        mayHaveBuffered.add(agent);
        store.claim(new Occurrence(agent, occurrence, Occurrence.Outcome.BUFFERED, null, reason, 1, manual, now));
    }

    private void skip(String agent, Instant occurrence, boolean manual, String reason, Instant now) {
        if (store.claim(new Occurrence(agent, occurrence, Occurrence.Outcome.SKIPPED, null, reason, 1, manual, now))) {
            record(
                    RecordType.SCHEDULE_SKIPPED,
                    agent,
                    Actor.schedule(agent),
                    data(occurrence).put("reason", reason));
        }
    }

    private void recordMissed(String agent, Schedule schedule, Instant first, Instant last, long count, Instant now) {
        String reason = (count == 1 ? "missed" : count + " occurrences missed, from " + first + ",")
                + " while no replica ran; older than the catch-up window (" + schedule.catchUpText() + ")";
        if (store.claim(new Occurrence(agent, last, Occurrence.Outcome.MISSED, null, reason, count, false, now))) {
            record(
                    RecordType.SCHEDULE_MISSED,
                    agent,
                    Actor.schedule(agent),
                    data(last).put("first", first.toString()).put("count", count));
        }
    }

    private void startBuffered(String agent, Schedule schedule, Instant now) {
        List<Occurrence> waiting = store.withOutcome(agent, Occurrence.Outcome.BUFFERED);
        if (waiting.isEmpty()) {
            mayHaveBuffered.remove(agent);
            return;
        }
        if (!store.activeRuns(agent).isEmpty()) {
            return;
        }
        Occurrence next = waiting.getFirst();
        String runId = RunIds.next(now);
        if (store.promote(agent, next.scheduledAt(), runId)) {
            start(agent, schedule, next.scheduledAt(), runId, next.manual(), Actor.schedule(agent));
        }
    }

    /** One run now, under the overlap policy, as an occurrence at {@code now}. */
    public Occurrence trigger(String agent, Schedule schedule, Actor actor, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        fire(agent, schedule, store.state(agent, now), at, true, actor, now);
        return store.find(agent, at).orElseThrow();
    }

    /**
     * Each occurrence from {@code from} to {@code to} (both included) once, in order: one after
     * another, each when the scheduled run before it has ended, or all at once under {@code overlap:
     * allow}. Occurrences handled before are left as they were.
     *
     * @throws AgentryException.InvalidInput when the range is empty, backwards or holds more than
     *     {@link #MAX_BACKFILL} occurrences
     */
    public List<Occurrence> backfill(
            String agent, Schedule schedule, Instant from, Instant to, Actor actor, Instant now) {
        if (to.isBefore(from)) {
            throw new AgentryException.InvalidInput("'to' (" + to + ") is before 'from' (" + from + "); swap them");
        }
        if (to.isAfter(now)) {
            throw new AgentryException.InvalidInput(
                    "'to' (" + to + ") is in the future; a backfill runs occurrences that have passed");
        }
        List<Instant> occurrences =
                schedule.parsedCron().between(from.minusNanos(1), to, schedule.zone(), MAX_BACKFILL + 1);
        if (occurrences.size() > MAX_BACKFILL) {
            throw new AgentryException.InvalidInput("the range holds more than " + MAX_BACKFILL + " occurrences of '"
                    + schedule.cron() + "'; backfill a shorter range at a time");
        }
        ScheduleStore.State state = store.state(agent, now);
        boolean together = schedule.overlapPolicy() == Schedule.Overlap.ALLOW;
        for (Instant occurrence : occurrences) {
            if (store.find(agent, occurrence).isPresent()) {
                continue;
            }
            if (together) {
                state = fire(agent, schedule, state, occurrence, true, actor, now);
            } else {
                buffer(agent, occurrence, true, "backfill: starts when the scheduled run before it has ended", now);
            }
        }
        record(
                RecordType.SCHEDULE_BACKFILLED,
                agent,
                actor,
                data(null)
                        .put("from", from.toString())
                        .put("to", to.toString())
                        .put("occurrences", occurrences.size()));
        startBuffered(agent, schedule, now);
        List<Occurrence> handled = new ArrayList<>();
        for (Instant occurrence : occurrences) {
            store.find(agent, occurrence).ifPresent(handled::add);
        }
        return handled;
    }

    /** Pauses or resumes a schedule until said otherwise or until its file's {@code paused} changes. */
    public void setPaused(String agent, Schedule schedule, boolean paused, Actor actor, Instant now) {
        store.setPaused(agent, paused, schedule.paused(), actor.describe(), null, now);
        record(paused ? RecordType.SCHEDULE_PAUSED : RecordType.SCHEDULE_RESUMED, agent, actor, data(null));
        if (!paused) {
            // Occurrences while paused are not caught up: the schedule resumes from now.
            positions.computeIfPresent(agent, (name, position) -> new Position(position.schedule(), now));
        }
    }

    /** The next {@code count} occurrences after {@code now}. */
    public static List<Instant> next(Schedule schedule, Instant now, int count) {
        List<Instant> found = new ArrayList<>();
        Cron cron = schedule.parsedCron();
        Optional<Instant> next = cron.next(now, schedule.zone());
        while (next.isPresent() && found.size() < count) {
            found.add(next.get());
            next = cron.next(next.get(), schedule.zone());
        }
        return found;
    }

    /** The delay of an occurrence within the schedule's jitter: the same on every replica and every attempt. */
    static Duration jitter(String agent, Instant occurrence, Schedule schedule) {
        long bound = schedule.jitter().toMillis();
        if (bound == 0) {
            return Duration.ZERO;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((agent + "@" + occurrence).getBytes(StandardCharsets.UTF_8));
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (digest[i] & 0xff);
            }
            return Duration.ofMillis(Math.floorMod(value, bound + 1));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The run's input: the schedule's, with {@code {{scheduled_at}}} and {@code {{last_success_at}}} filled in. */
    private JsonNode input(Schedule schedule, Instant occurrence, String agent) {
        if (schedule.input() == null) {
            return null;
        }
        DateTimeFormatter format = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
        String scheduledAt = format.format(occurrence.atZone(schedule.zone()).toOffsetDateTime());
        String lastSuccess = store.lastSuccess(agent)
                .map(at -> format.format(at.atZone(schedule.zone()).toOffsetDateTime()))
                .orElse("");
        return filled(schedule.input(), scheduledAt, lastSuccess);
    }

    private static JsonNode filled(JsonNode node, String scheduledAt, String lastSuccess) {
        if (node.isTextual()) {
            return TextNode.valueOf(
                    node.asText().replace("{{scheduled_at}}", scheduledAt).replace("{{last_success_at}}", lastSuccess));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                copy.set(field.getKey(), filled(field.getValue(), scheduledAt, lastSuccess));
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(filled(item, scheduledAt, lastSuccess)));
            return copy;
        }
        return node;
    }

    private void record(RecordType type, String agent, Actor actor, ObjectNode data) {
        try {
            journal.append(new Fact(type, null, agent, actor, data));
        } catch (AgentryException e) {
            LOG.errorf("The journal could not record %s for %s: %s", type.id(), agent, e.getMessage());
        }
    }

    private static ObjectNode data(Instant occurrence) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        if (occurrence != null) {
            data.put("scheduledAt", occurrence.toString());
        }
        return data;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
