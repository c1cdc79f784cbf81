package dev.agentry.run.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.audit.jdbc.JdbcJournal;
import dev.agentry.model.TokenUsage;
import dev.agentry.model.ToolRequest;
import dev.agentry.run.Run;
import dev.agentry.run.RunIds;
import dev.agentry.run.RunOutcome;
import dev.agentry.run.RunQuery;
import dev.agentry.run.RunStatus;
import dev.agentry.run.Step;
import dev.agentry.run.Trigger;
import dev.agentry.run.Usage;
import dev.agentry.store.StoreDatabase;
import dev.agentry.tool.ToolResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every run store must do; run against each database Agentry supports. */
abstract class RunStoreContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    protected StoreDatabase database;
    protected JdbcRunStore store;

    /** Opens a fresh, empty database migrated to the current schema. */
    protected abstract StoreDatabase open();

    private JdbcJournal journal;

    /** As the service builds it: the run's writes committed with the journal's. */
    @BeforeEach
    void openStore() {
        database = open();
        journal = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        store = new JdbcRunStore(database.dataSource(), false, journal);
    }

    @AfterEach
    void closeStore() {
        journal.close();
        database.close();
    }

    private Run queued(String agent, Instant at) {
        Run run = Run.queued(
                RunIds.next(at), agent, JsonNodeFactory.instance.textNode("hello"), Trigger.api("tester"), at);
        store.create(run, "node-a", at.plusSeconds(30));
        return run;
    }

    @Test
    void a_created_run_is_found_as_queued() {
        Run run = queued("billing", T0);

        Run found = store.find(run.id()).orElseThrow();

        assertThat(found).isEqualTo(run);
    }

    @Test
    void only_the_owner_starts_a_run_until_its_lease_lapses() {
        Run run = queued("billing", T0);

        assertThat(store.start(run.id(), "node-b", T0.plusSeconds(1), T0.plusSeconds(31)))
                .isFalse();
        assertThat(store.start(run.id(), "node-a", T0.plusSeconds(1), T0.plusSeconds(31)))
                .isTrue();
        assertThat(store.find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(store.find(run.id()).orElseThrow().startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(store.start(run.id(), "node-b", T0.plusSeconds(40), T0.plusSeconds(70)))
                .isTrue();
        assertThat(store.find(run.id()).orElseThrow().startedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void steps_and_usage_are_committed_and_read_back_exactly() throws Exception {
        Run run = queued("billing", T0);
        store.start(run.id(), "node-a", T0, T0.plusSeconds(30));
        Step.ModelStep model = new Step.ModelStep(
                1,
                T0.plusMillis(5),
                120,
                "Looking it up.",
                List.of(new ToolRequest("c1", "crm_find", "{\"q\":\"Dana\"}"), new ToolRequest("c2", "x_y", "{oops")),
                new TokenUsage(300, 20));
        Step.ToolStep ok = new Step.ToolStep(
                2,
                T0.plusMillis(130),
                15,
                "c1",
                "crm.find",
                JSON.readTree("{\"q\":\"Dana\"}"),
                ToolResult.success(JSON.readTree("{\"records\":[{\"Id\":\"003\"}]}")));
        Step.ToolStep failed = new Step.ToolStep(
                3,
                T0.plusMillis(131),
                1,
                "c2",
                "x_y",
                JsonNodeFactory.instance.textNode("{oops"),
                ToolResult.failed("there is no tool named 'x_y'"));
        Step.ToolStep refused = new Step.ToolStep(
                4, T0.plusMillis(132), 0, "c3", "crm.delete", JSON.readTree("{}"), ToolResult.refused("never delete"));

        assertThat(store.addStep(run.id(), "node-a", model)).isTrue();
        assertThat(store.addStep(run.id(), "node-a", ok)).isTrue();
        assertThat(store.addStep(run.id(), "node-a", failed)).isTrue();
        assertThat(store.addStep(run.id(), "node-a", refused)).isTrue();

        assertThat(store.steps(run.id())).containsExactly(model, ok, failed, refused);
        assertThat(store.find(run.id()).orElseThrow().usage()).isEqualTo(new Usage(1, 3, 300, 20));
        Run quiet = queued("billing", T0.plusSeconds(1));
        assertThat(store.denials(List.of(run.id(), quiet.id())))
                .as("refused calls per run; a run with none is left out")
                .containsExactly(java.util.Map.entry(run.id(), 1));
        assertThat(store.denials(List.of())).isEmpty();
    }

    @Test
    void a_cancelled_run_takes_no_more_steps() {
        Run run = queued("billing", T0);
        store.start(run.id(), "node-a", T0, T0.plusSeconds(30));

        assertThat(store.finish(
                        run.id(), new RunOutcome.Cancelled("cancelled by request"), Usage.ZERO, T0.plusSeconds(2)))
                .isTrue();
        boolean added = store.addStep(run.id(), "node-a", modelStep(1));

        assertThat(added).isFalse();
        assertThat(store.steps(run.id())).isEmpty();
        Run cancelled = store.find(run.id()).orElseThrow();
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(cancelled.error()).isEqualTo("cancelled by request");
        assertThat(cancelled.endedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void another_owner_cannot_add_steps() {
        Run run = queued("billing", T0);
        store.start(run.id(), "node-a", T0, T0.plusSeconds(30));

        assertThat(store.addStep(run.id(), "node-b", modelStep(1))).isFalse();
        assertThat(store.steps(run.id())).isEmpty();
    }

    @Test
    void a_run_ends_once() {
        Run run = queued("billing", T0);
        store.start(run.id(), "node-a", T0, T0.plusSeconds(30));

        assertThat(store.finish(
                        run.id(), new RunOutcome.Succeeded("done"), new Usage(2, 1, 10, 5, 0.0125), T0.plusSeconds(3)))
                .isTrue();
        assertThat(store.finish(run.id(), new RunOutcome.Failed("late"), Usage.ZERO, T0.plusSeconds(4)))
                .isFalse();

        Run ended = store.find(run.id()).orElseThrow();
        assertThat(ended.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(ended.output()).isEqualTo("done");
        assertThat(ended.error()).isNull();
        assertThat(ended.usage()).isEqualTo(new Usage(2, 1, 10, 5, 0.0125));
    }

    @Test
    void lists_newest_first_with_filters_and_a_cursor() {
        Run first = queued("billing", T0);
        Run second = queued("billing", T0.plusMillis(1));
        Run other = queued("digest", T0.plusMillis(2));
        Run third = queued("billing", T0.plusMillis(3));
        store.start(third.id(), "node-a", T0, T0.plusSeconds(30));
        store.finish(third.id(), new RunOutcome.Succeeded("ok"), Usage.ZERO, T0.plusSeconds(1));

        List<Run> page1 = store.list(new RunQuery("billing", null, 2, null));
        List<Run> page2 =
                store.list(new RunQuery("billing", null, 2, page1.getLast().id()));

        assertThat(page1).extracting(Run::id).containsExactly(third.id(), second.id());
        assertThat(page2).extracting(Run::id).containsExactly(first.id());
        assertThat(store.list(new RunQuery(null, RunStatus.SUCCEEDED, 10, null)))
                .extracting(Run::id)
                .containsExactly(third.id());
        assertThat(store.list(new RunQuery("digest", null, 10, null)))
                .extracting(Run::id)
                .containsExactly(other.id());
    }

    @Test
    void runs_whose_lease_lapsed_are_orphans_until_renewed() {
        Run run = queued("billing", T0);
        store.start(run.id(), "node-a", T0, T0.plusSeconds(30));

        assertThat(store.orphans(T0.plusSeconds(10), 10)).isEmpty();
        assertThat(store.orphans(T0.plusSeconds(31), 10)).containsExactly(run.id());

        store.renewLeases("node-a", List.of(run.id()), T0.plusSeconds(90));

        assertThat(store.orphans(T0.plusSeconds(31), 10)).isEmpty();
        assertThat(store.orphans(T0.plusSeconds(91), 10)).containsExactly(run.id());
    }

    @Test
    void an_exclusive_store_treats_every_lease_it_finds_as_lapsed() {
        Run run = queued("billing", Instant.now().truncatedTo(ChronoUnit.MILLIS));
        store.start(run.id(), "node-a", Instant.now(), Instant.now().plus(Duration.ofHours(1)));

        JdbcRunStore reopened = new JdbcRunStore(database.dataSource(), true);

        assertThat(reopened.orphans(Instant.now(), 10)).containsExactly(run.id());
    }

    @Test
    void payloads_over_the_column_limit_are_stored_truncated_and_say_so() {
        Run run = queued("billing", T0);
        store.start(run.id(), "node-a", T0, T0.plusSeconds(30));
        String huge = "x".repeat(JdbcRunStore.MAX_PAYLOAD + 10);
        Step.ToolStep step = new Step.ToolStep(
                1,
                T0,
                1,
                "c1",
                "t.big",
                JsonNodeFactory.instance.objectNode(),
                ToolResult.success(JsonNodeFactory.instance.textNode(huge)));

        store.addStep(run.id(), "node-a", step);

        Step.ToolStep stored = (Step.ToolStep) store.steps(run.id()).getFirst();
        var value = ((ToolResult.Success) stored.result()).value();
        assertThat(value.path("truncated").asBoolean()).isTrue();
        assertThat(value.path("chars").asInt()).isEqualTo(huge.length() + 2);
        assertThat(value.path("preview").asText()).hasSize(2000);
    }

    private static Step.ModelStep modelStep(int index) {
        return new Step.ModelStep(index, T0, 1, "hi", List.of(), new TokenUsage(1, 1));
    }

    @Test
    void a_parked_run_holds_no_lease_and_its_wait_adds_up_when_it_is_unparked() {
        Run run = queued("billing", T0);
        store.start(run.id(), "node-a", T0, T0.plusSeconds(30));

        assertThat(store.park(run.id(), "node-b", T0.plusSeconds(1)))
                .as("not node-b's run")
                .isFalse();
        assertThat(store.park(run.id(), "node-a", T0.plusSeconds(1))).isTrue();
        assertThat(store.find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(store.orphans(T0.plusSeconds(3600), 10))
                .as("a parked run is no orphan")
                .isEmpty();
        assertThat(store.unpark(run.id(), T0.plusSeconds(61))).isTrue();
        assertThat(store.unpark(run.id(), T0.plusSeconds(62)))
                .as("already unparked")
                .isFalse();

        assertThat(store.find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
        assertThat(store.waited(run.id())).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(store.orphans(T0.plusSeconds(62), 10)).containsExactly(run.id());
        assertThat(store.start(run.id(), "node-b", T0.plusSeconds(62), T0.plusSeconds(92)))
                .isTrue();
    }

    private static dev.agentry.run.Approval pending(String runId, String callId, Instant at) {
        return new dev.agentry.run.Approval(
                RunIds.nextApproval(at),
                runId,
                "billing",
                2,
                callId,
                "crm.update",
                JsonNodeFactory.instance.objectNode().put("amount", 5),
                "model",
                "guard",
                "ask",
                "a person decides",
                dev.agentry.run.Approval.Status.PENDING,
                at,
                at.plusSeconds(60),
                null,
                null,
                null);
    }

    @Test
    void an_approval_is_requested_once_per_call_and_decided_once() {
        JdbcApprovalStore approvals = new JdbcApprovalStore(database.dataSource());
        Run run = queued("billing", T0);
        var first = approvals.request(pending(run.id(), "call_1", T0));
        var again = approvals.request(pending(run.id(), "call_1", T0.plusSeconds(1)));
        approvals.request(pending(run.id(), "call_2", T0));

        assertThat(again.id()).as("one approval per call").isEqualTo(first.id());
        assertThat(approvals.pending(run.id())).isEqualTo(2);
        assertThat(approvals.decide(first.id(), dev.agentry.run.Approval.Status.APPROVED, "key a", "ok", T0))
                .isTrue();
        assertThat(approvals.decide(first.id(), dev.agentry.run.Approval.Status.REJECTED, "key b", "no", T0))
                .as("decided once")
                .isFalse();
        var decided = approvals.find(first.id()).orElseThrow();
        assertThat(decided.status()).isEqualTo(dev.agentry.run.Approval.Status.APPROVED);
        assertThat(decided.decidedBy()).isEqualTo("key a");
        assertThat(decided.arguments().path("amount").asInt()).isEqualTo(5);
        assertThat(approvals.pending(run.id())).isEqualTo(1);
        assertThat(approvals.overdue(T0.plusSeconds(61), 10))
                .extracting(dev.agentry.run.Approval::callId)
                .containsExactly("call_2");
        assertThat(approvals.list(dev.agentry.run.Approval.Status.PENDING, null, java.util.Set.of("other"), 10, null))
                .isEmpty();
        assertThat(approvals.list(null, "billing", null, 10, null)).hasSize(2);
    }

    @Test
    void finished_runs_past_their_retention_are_deleted_with_their_steps_and_approvals() throws Exception {
        Run old = queued("billing", T0);
        store.start(old.id(), "node-a", T0, T0.plusSeconds(30));
        store.addStep(
                old.id(),
                "node-a",
                new Step.ToolStep(
                        1, T0, 1, "c1", "crm.find", JSON.readTree("{}"), ToolResult.success(JSON.readTree("{}"))));
        new JdbcApprovalStore(database.dataSource()).request(pending(old.id(), "call_1", T0));
        store.finish(old.id(), new RunOutcome.Succeeded("done"), Usage.ZERO, T0.plusSeconds(5));
        Run recent = queued("billing", T0);
        store.start(recent.id(), "node-a", T0, T0.plusSeconds(30));
        store.finish(recent.id(), new RunOutcome.Failed("no"), Usage.ZERO, T0.plusSeconds(60));
        Run stillRunning = queued("billing", T0);
        store.start(stillRunning.id(), "node-a", T0, T0.plusSeconds(30));

        assertThat(store.purge(T0.plusSeconds(30), 100)).isEqualTo(1);

        assertThat(store.find(old.id())).isEmpty();
        assertThat(store.steps(old.id())).isEmpty();
        assertThat(new JdbcApprovalStore(database.dataSource()).forCall(old.id(), "call_1"))
                .isEmpty();
        assertThat(store.find(recent.id())).isPresent();
        assertThat(store.find(stillRunning.id())).isPresent();
        assertThat(store.purge(T0.plusSeconds(30), 100)).isZero();
        assertThat(store.purge(T0.plusSeconds(61), 100)).isEqualTo(1);
    }
}
