package dev.agentry.schedule.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import dev.agentry.agent.Schedule;
import dev.agentry.audit.RecordType;
import dev.agentry.fixtures.RecordingJournal;
import dev.agentry.run.Run;
import dev.agentry.run.RunOutcome;
import dev.agentry.run.RunStatus;
import dev.agentry.run.Trigger;
import dev.agentry.run.Usage;
import dev.agentry.run.jdbc.JdbcRunStore;
import dev.agentry.schedule.Occurrence;
import dev.agentry.schedule.ScheduleEngine;
import dev.agentry.store.StoreDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What schedules promise on every database they run on: the engine against the real store, its runs
 * created in the real {@code runs} table, the clock walked by hand. A new engine on the same store is
 * what a restart or a second replica looks like.
 */
abstract class ScheduleContract {

    private static final String AGENT = "digest";

    protected abstract StoreDatabase open();

    private StoreDatabase database;
    private JdbcRunStore runStore;
    private JdbcScheduleStore store;
    private RecordingJournal journal;
    private final List<Run> started = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void openDatabase() {
        database = open();
        runStore = new JdbcRunStore(database.dataSource(), false);
        store = new JdbcScheduleStore(database.dataSource());
        journal = new RecordingJournal();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    /** A replica: its own engine, the shared store, runs created as the service creates them. */
    private ScheduleEngine replica() {
        return new ScheduleEngine(
                store,
                new ScheduleEngine.Runs() {
                    @Override
                    public void start(String runId, String agent, JsonNode input, Trigger trigger, Actor actor) {
                        Instant now = trigger.scheduledAt();
                        Run run = Run.queued(runId, agent, input, trigger, now);
                        runStore.create(run, "test", now.plusSeconds(30));
                        started.add(run);
                    }

                    @Override
                    public void cancel(String runId, Actor actor) {
                        runStore.finish(
                                runId,
                                new RunOutcome.Cancelled("cancelled by " + actor.describe()),
                                Usage.ZERO,
                                Instant.now());
                    }
                },
                journal);
    }

    private static Schedule schedule(String cron, String zone, String overlap, Duration catchUp) {
        return new Schedule(
                cron,
                zone,
                TextNode.valueOf("since {{last_success_at}}, for {{scheduled_at}}"),
                overlap,
                catchUp,
                null,
                null,
                null,
                null);
    }

    private void endAll(RunOutcome outcome) {
        for (Run run : List.copyOf(started)) {
            runStore.finish(run.id(), outcome, Usage.ZERO, run.createdAt());
        }
    }

    private List<Instant> startedFor() {
        return started.stream().map(run -> run.trigger().scheduledAt()).sorted().toList();
    }

    /** Ticks every {@code step} from {@code from} to {@code to}, ending each run before the next tick. */
    private void walk(ScheduleEngine engine, Schedule schedule, Instant from, Instant to, Duration step) {
        walk(engine, AGENT, schedule, from, to, step);
    }

    private void walk(ScheduleEngine engine, String agent, Schedule schedule, Instant from, Instant to, Duration step) {
        for (Instant now = from; !now.isAfter(to); now = now.plus(step)) {
            engine.tick(Map.of(agent, schedule), now);
            endAll(new RunOutcome.Succeeded("done"));
        }
    }

    @Test
    void across_the_spring_change_a_skipped_time_runs_once_at_the_end_of_the_gap() {
        Schedule daily = schedule("30 2 * * *", "Europe/Berlin", "skip", null);

        walk(replica(), daily, at("2026-03-28T12:00:00Z"), at("2026-03-30T12:00:00Z"), Duration.ofMinutes(5));

        assertThat(startedFor()).containsExactly(at("2026-03-29T01:00:00Z"), at("2026-03-30T00:30:00Z"));
    }

    @Test
    void across_the_autumn_change_the_repeated_hour_runs_once() {
        Schedule daily = schedule("30 2 * * *", "Europe/Berlin", "skip", null);
        Schedule hourly = schedule("0 * * * *", "Europe/Berlin", "skip", null);

        walk(replica(), daily, at("2026-10-24T12:00:00Z"), at("2026-10-26T12:00:00Z"), Duration.ofMinutes(5));
        assertThat(startedFor()).containsExactly(at("2026-10-25T00:30:00Z"), at("2026-10-26T01:30:00Z"));

        started.clear();
        walk(
                replica(),
                "hourly",
                hourly,
                at("2026-10-24T22:30:00Z"),
                at("2026-10-25T03:30:00Z"),
                Duration.ofMinutes(5));
        assertThat(startedFor())
                .containsExactly(
                        at("2026-10-24T23:00:00Z"),
                        at("2026-10-25T00:00:00Z"),
                        at("2026-10-25T02:00:00Z"),
                        at("2026-10-25T03:00:00Z"));
    }

    @Test
    void two_replicas_ticking_together_start_each_occurrence_once() throws Exception {
        Schedule everySecond = schedule("* * * * * *", "UTC", "allow", null);
        ScheduleEngine one = replica();
        ScheduleEngine two = replica();
        Instant start = at("2026-12-07T10:00:00Z");
        one.tick(Map.of(AGENT, everySecond), start);
        two.tick(Map.of(AGENT, everySecond), start);
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            for (int second = 1; second <= 30; second++) {
                Instant now = start.plusSeconds(second).plusMillis(3);
                CountDownLatch together = new CountDownLatch(1);
                Future<?> first = replicas.submit(() -> {
                    together.await();
                    one.tick(Map.of(AGENT, everySecond), now);
                    return null;
                });
                Future<?> second_ = replicas.submit(() -> {
                    together.await();
                    two.tick(Map.of(AGENT, everySecond), now);
                    return null;
                });
                together.countDown();
                first.get();
                second_.get();
            }
        } finally {
            replicas.shutdownNow();
        }

        List<Instant> expected = new ArrayList<>();
        for (int second = 1; second <= 30; second++) {
            expected.add(start.plusSeconds(second));
        }
        assertThat(startedFor()).containsExactlyElementsOf(expected);
        assertThat(store.list(AGENT, 100)).hasSize(30).allMatch(o -> o.outcome() == Occurrence.Outcome.STARTED);
        assertThat(started)
                .allMatch(run -> run.trigger().type().equals("schedule")
                        && run.trigger().by().equals("schedule")
                        && !run.trigger().manual());
    }

    @Test
    void skip_records_an_occurrence_that_overlaps_with_its_reason() {
        Schedule minutely = schedule("* * * * *", "UTC", "skip", null);
        ScheduleEngine engine = replica();
        engine.tick(Map.of(AGENT, minutely), at("2026-12-07T10:00:30Z"));
        engine.tick(Map.of(AGENT, minutely), at("2026-12-07T10:01:00.003Z"));
        engine.tick(Map.of(AGENT, minutely), at("2026-12-07T10:02:00.003Z"));

        assertThat(started).hasSize(1);
        Occurrence skipped = store.find(AGENT, at("2026-12-07T10:02:00Z")).orElseThrow();
        assertThat(skipped.outcome()).isEqualTo(Occurrence.Outcome.SKIPPED);
        assertThat(skipped.reason())
                .isEqualTo("the previous scheduled run " + started.getFirst().id() + " had not ended (overlap: skip)");
        assertThat(journal.facts()).anyMatch(fact -> fact.type() == RecordType.SCHEDULE_SKIPPED);
    }

    @Test
    void buffer_one_keeps_one_occurrence_waiting_and_starts_it_when_the_run_ends() {
        Schedule minutely = schedule("* * * * *", "UTC", "buffer-one", null);
        ScheduleEngine engine = replica();
        engine.tick(Map.of(AGENT, minutely), at("2026-12-07T10:00:30Z"));
        engine.tick(Map.of(AGENT, minutely), at("2026-12-07T10:01:00.003Z"));
        engine.tick(Map.of(AGENT, minutely), at("2026-12-07T10:02:00.003Z"));
        engine.tick(Map.of(AGENT, minutely), at("2026-12-07T10:03:00.003Z"));

        assertThat(store.find(AGENT, at("2026-12-07T10:02:00Z")).orElseThrow().outcome())
                .isEqualTo(Occurrence.Outcome.BUFFERED);
        assertThat(store.find(AGENT, at("2026-12-07T10:03:00Z")).orElseThrow().reason())
                .endsWith("and one occurrence already waits (overlap: buffer-one)");

        endAll(new RunOutcome.Succeeded("done"));
        engine.tick(Map.of(AGENT, minutely), at("2026-12-07T10:03:10Z"));

        assertThat(startedFor()).containsExactly(at("2026-12-07T10:01:00Z"), at("2026-12-07T10:02:00Z"));
        assertThat(store.find(AGENT, at("2026-12-07T10:02:00Z")).orElseThrow().outcome())
                .isEqualTo(Occurrence.Outcome.STARTED);
    }

    @Test
    void cancel_previous_cancels_the_running_one_and_allow_starts_beside_it() {
        ScheduleEngine engine = replica();
        Schedule cancelling = schedule("* * * * *", "UTC", "cancel-previous", null);
        engine.tick(Map.of(AGENT, cancelling), at("2026-12-07T10:00:30Z"));
        engine.tick(Map.of(AGENT, cancelling), at("2026-12-07T10:01:00.003Z"));
        engine.tick(Map.of(AGENT, cancelling), at("2026-12-07T10:02:00.003Z"));

        assertThat(started).hasSize(2);
        assertThat(runStore.find(started.get(0).id()).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(runStore.find(started.get(1).id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);

        Schedule allowing = schedule("* * * * *", "UTC", "allow", null);
        engine.tick(Map.of(AGENT, allowing), at("2026-12-07T10:03:00.003Z"));
        assertThat(store.activeRuns(AGENT)).hasSize(2);
    }

    @Test
    void after_downtime_occurrences_within_the_window_run_and_older_ones_are_recorded_missed() {
        Schedule hourly = schedule("0 * * * *", "UTC", "allow", null);
        replica().tick(Map.of(AGENT, hourly), at("2026-12-07T10:00:00.003Z"));
        replica().tick(Map.of(AGENT, hourly), at("2026-12-07T10:30:00Z"));
        assertThat(startedFor()).isEmpty();

        replica().tick(Map.of(AGENT, hourly), at("2026-12-07T15:10:00Z"));

        assertThat(startedFor()).containsExactly(at("2026-12-07T15:00:00Z"));
        assertThat(store.missed(AGENT)).isEqualTo(4);
        Occurrence missed = store.find(AGENT, at("2026-12-07T14:00:00Z")).orElseThrow();
        assertThat(missed.outcome()).isEqualTo(Occurrence.Outcome.MISSED);
        assertThat(missed.count()).isEqualTo(4);
        assertThat(missed.reason())
                .isEqualTo("4 occurrences missed, from 2026-12-07T11:00:00Z, while no replica ran; older than the"
                        + " catch-up window (one interval, at most 1h)");
    }

    @Test
    void catch_up_zero_runs_no_occurrence_missed_while_down() {
        Schedule hourly = schedule("0 * * * *", "UTC", "allow", Duration.ZERO);
        replica().tick(Map.of(AGENT, hourly), at("2026-12-07T10:30:00Z"));
        replica().tick(Map.of(AGENT, hourly), at("2026-12-07T12:10:00Z"));
        replica().tick(Map.of(AGENT, hourly), at("2026-12-07T13:00:00.004Z"));

        assertThat(startedFor()).containsExactly(at("2026-12-07T13:00:00Z"));
        assertThat(store.missed(AGENT)).isEqualTo(2);
    }

    @Test
    void a_pause_holds_across_a_restart_until_resumed_and_is_not_caught_up() {
        Schedule minutely = schedule("* * * * *", "UTC", "allow", null);
        ScheduleEngine before = replica();
        before.tick(Map.of(AGENT, minutely), at("2026-12-07T10:00:30Z"));
        before.setPaused(AGENT, minutely, true, Actor.key("key_1", "ops"), at("2026-12-07T10:00:40Z"));

        ScheduleEngine after = replica();
        walk(after, minutely, at("2026-12-07T10:00:50Z"), at("2026-12-07T10:05:10Z"), Duration.ofSeconds(20));
        assertThat(started).isEmpty();

        after.setPaused(AGENT, minutely, false, Actor.key("key_1", "ops"), at("2026-12-07T10:05:20Z"));
        walk(after, minutely, at("2026-12-07T10:05:30Z"), at("2026-12-07T10:06:10Z"), Duration.ofSeconds(20));

        assertThat(startedFor()).containsExactly(at("2026-12-07T10:06:00Z"));
        assertThat(journal.facts())
                .filteredOn(fact -> fact.type() == RecordType.SCHEDULE_PAUSED)
                .singleElement()
                .matches(fact -> fact.actor().id().equals("key_1"));
    }

    @Test
    void a_pause_said_over_the_api_gives_way_when_the_file_changes_its_own() {
        Schedule running = schedule("* * * * *", "UTC", "allow", null);
        ScheduleEngine engine = replica();
        engine.tick(Map.of(AGENT, running), at("2026-12-07T10:00:30Z"));
        engine.setPaused(AGENT, running, true, Actor.key("key_1", "ops"), at("2026-12-07T10:00:40Z"));
        Schedule pausedInFile = new Schedule("* * * * *", "UTC", null, "allow", null, null, true, null, null);
        Schedule resumedInFile = new Schedule("* * * * *", "UTC", null, "allow", null, null, false, null, null);

        assertThat(ScheduleEngine.paused(running, store.state(AGENT, Instant.EPOCH)))
                .isTrue();
        assertThat(ScheduleEngine.paused(pausedInFile, store.state(AGENT, Instant.EPOCH)))
                .isTrue();
        engine.setPaused(AGENT, pausedInFile, false, Actor.key("key_1", "ops"), at("2026-12-07T10:00:50Z"));
        assertThat(ScheduleEngine.paused(pausedInFile, store.state(AGENT, Instant.EPOCH)))
                .isFalse();
        assertThat(ScheduleEngine.paused(resumedInFile, store.state(AGENT, Instant.EPOCH)))
                .isFalse();
    }

    @Test
    void backfill_runs_each_occurrence_of_the_range_once() {
        Schedule hourly = schedule("0 * * * *", "UTC", "allow", null);
        ScheduleEngine engine = replica();
        Actor operator = Actor.key("key_1", "ops");

        List<Occurrence> first = engine.backfill(
                AGENT,
                hourly,
                at("2026-12-06T08:00:00Z"),
                at("2026-12-06T10:00:00Z"),
                operator,
                at("2026-12-07T10:00:00Z"));
        List<Occurrence> again = engine.backfill(
                AGENT,
                hourly,
                at("2026-12-06T07:30:00Z"),
                at("2026-12-06T10:30:00Z"),
                operator,
                at("2026-12-07T10:00:00Z"));

        assertThat(first)
                .extracting(Occurrence::scheduledAt)
                .containsExactly(at("2026-12-06T08:00:00Z"), at("2026-12-06T09:00:00Z"), at("2026-12-06T10:00:00Z"));
        assertThat(again)
                .extracting(Occurrence::runId)
                .containsExactlyElementsOf(first.stream().map(Occurrence::runId).toList());
        assertThat(started).hasSize(3).allMatch(run -> run.trigger().manual());
        assertThatThrownBy(() -> engine.backfill(
                        AGENT,
                        schedule("* * * * * *", "UTC", "allow", null),
                        at("2026-12-06T00:00:00Z"),
                        at("2026-12-06T01:00:00Z"),
                        operator,
                        at("2026-12-07T10:00:00Z")))
                .isInstanceOf(AgentryException.InvalidInput.class)
                .hasMessage("the range holds more than 1000 occurrences of '* * * * * *'; backfill a shorter range at a"
                        + " time");
    }

    @Test
    void a_backfill_under_skip_runs_its_occurrences_one_after_another() {
        Schedule daily = schedule("0 8 * * *", "UTC", "skip", null);
        ScheduleEngine engine = replica();
        Actor operator = Actor.key("key_1", "ops");
        Instant now = at("2026-12-07T10:00:00Z");

        List<Occurrence> backfilled =
                engine.backfill(AGENT, daily, at("2026-12-03T00:00:00Z"), at("2026-12-05T23:00:00Z"), operator, now);

        assertThat(backfilled)
                .extracting(Occurrence::outcome)
                .containsExactly(Occurrence.Outcome.STARTED, Occurrence.Outcome.BUFFERED, Occurrence.Outcome.BUFFERED);
        assertThat(startedFor()).containsExactly(at("2026-12-03T08:00:00Z"));
        engine.tick(Map.of(AGENT, daily), now.plusSeconds(1));
        assertThat(started).as("the next waits while the first runs").hasSize(1);
        for (int second = 2; second <= 3; second++) {
            endAll(new RunOutcome.Succeeded("done"));
            engine.tick(Map.of(AGENT, daily), now.plusSeconds(second));
        }
        assertThat(startedFor())
                .containsExactly(at("2026-12-03T08:00:00Z"), at("2026-12-04T08:00:00Z"), at("2026-12-05T08:00:00Z"));
        assertThat(journal.facts())
                .filteredOn(fact -> fact.type() == RecordType.SCHEDULE_BACKFILLED)
                .singleElement()
                .matches(fact -> fact.actor().id().equals("key_1"));
    }

    @Test
    void trigger_starts_one_run_now_under_the_overlap_policy() {
        Schedule daily = schedule("0 8 * * *", "UTC", "skip", null);
        ScheduleEngine engine = replica();

        Occurrence first = engine.trigger(AGENT, daily, Actor.key("key_1", "ops"), at("2026-12-07T10:00:00.123Z"));
        Occurrence second = engine.trigger(AGENT, daily, Actor.key("key_1", "ops"), at("2026-12-07T10:00:01Z"));

        assertThat(first.outcome()).isEqualTo(Occurrence.Outcome.STARTED);
        assertThat(first.manual()).isTrue();
        assertThat(started)
                .singleElement()
                .matches(run ->
                        run.trigger().manual() && run.trigger().scheduledAt().equals(at("2026-12-07T10:00:00.123Z")));
        assertThat(second.outcome()).isEqualTo(Occurrence.Outcome.SKIPPED);
    }

    @Test
    void pauses_itself_after_the_failures_it_allows() {
        Schedule fragile = new Schedule("* * * * *", "UTC", null, "skip", null, null, null, null, 2);
        ScheduleEngine engine = replica();
        engine.tick(Map.of(AGENT, fragile), at("2026-12-07T10:00:30Z"));
        for (int minute = 1; minute <= 3; minute++) {
            engine.tick(Map.of(AGENT, fragile), at("2026-12-07T10:0" + minute + ":00.003Z"));
            endAll(new RunOutcome.Failed("the CRM answered 500"));
        }

        assertThat(started).hasSize(2);
        Occurrence third = store.find(AGENT, at("2026-12-07T10:03:00Z")).orElseThrow();
        assertThat(third.reason()).startsWith("paused after 2 scheduled runs in a row failed");
        assertThat(ScheduleEngine.paused(fragile, store.state(AGENT, Instant.EPOCH)))
                .isTrue();
    }

    @Test
    void a_start_interrupted_after_its_claim_is_completed_under_the_same_run_id() {
        Schedule daily = schedule("0 8 * * *", "UTC", "skip", null);
        ScheduleEngine survivor = replica();
        survivor.tick(Map.of(AGENT, daily), at("2026-12-07T07:59:59Z"));
        // The other replica claims 08:00 and dies before it creates the run.
        store.claim(new Occurrence(
                AGENT,
                at("2026-12-07T08:00:00Z"),
                Occurrence.Outcome.STARTING,
                "run_01KBXXS1Q3J8Y4VJ3W6Q2H5D7E",
                null,
                1,
                false,
                at("2026-12-07T08:00:00.002Z")));

        survivor.tick(Map.of(AGENT, daily), at("2026-12-07T08:00:01Z"));
        assertThat(started)
                .as("the claim is recent: its replica may still be creating the run")
                .isEmpty();
        survivor.tick(Map.of(AGENT, daily), at("2026-12-07T08:01:00Z"));

        assertThat(started).singleElement().matches(run -> run.id().equals("run_01KBXXS1Q3J8Y4VJ3W6Q2H5D7E"));
        assertThat(store.find(AGENT, at("2026-12-07T08:00:00Z")).orElseThrow().outcome())
                .isEqualTo(Occurrence.Outcome.STARTED);
    }

    @Test
    void jitter_delays_each_occurrence_by_the_same_amount_on_every_replica() {
        Schedule jittered =
                new Schedule("0 * * * *", "UTC", null, "allow", null, Duration.ofMinutes(10), null, null, null);
        ScheduleEngine one = replica();
        one.tick(Map.of(AGENT, jittered), at("2026-12-07T09:30:00Z"));
        Instant due = at("2026-12-07T10:00:00Z");
        Instant firstStart = null;
        for (Instant now = due; now.isBefore(due.plus(Duration.ofMinutes(11))); now = now.plusSeconds(10)) {
            one.tick(Map.of(AGENT, jittered), now);
            if (firstStart == null && !started.isEmpty()) {
                firstStart = now;
            }
        }

        assertThat(firstStart)
                .isNotNull()
                .isBetween(due, due.plus(Duration.ofMinutes(10).plusSeconds(10)));
        assertThat(started).hasSize(1);
        assertThat(started.getFirst().trigger().scheduledAt()).isEqualTo(due);
    }

    @Test
    void the_placeholders_are_filled_in_the_schedule_zone() {
        Schedule daily = schedule("0 8 * * *", "Europe/Berlin", "allow", null);
        ScheduleEngine engine = replica();
        engine.tick(Map.of(AGENT, daily), at("2026-12-06T06:00:00Z"));
        engine.tick(Map.of(AGENT, daily), at("2026-12-06T07:00:00.003Z"));
        endAll(new RunOutcome.Succeeded("done"));
        engine.tick(Map.of(AGENT, daily), at("2026-12-07T07:00:00.003Z"));

        assertThat(started.get(0).input().asText()).isEqualTo("since , for 2026-12-06T08:00:00+01:00");
        assertThat(started.get(1).input().asText())
                .isEqualTo("since 2026-12-06T08:00:00+01:00, for 2026-12-07T08:00:00+01:00");
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }
}
