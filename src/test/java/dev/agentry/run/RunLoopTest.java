package dev.agentry.run;

import static dev.agentry.run.FakeModel.answer;
import static dev.agentry.run.FakeModel.call;
import static dev.agentry.run.FakeModel.calls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.agent.Limits;
import dev.agentry.asset.Redactor;
import dev.agentry.audit.RecordType;
import dev.agentry.audit.jdbc.JdbcJournal;
import dev.agentry.fixtures.RecordingJournal;
import dev.agentry.model.Message;
import dev.agentry.model.ModelReply;
import dev.agentry.model.ModelSettings;
import dev.agentry.model.Provider;
import dev.agentry.model.TokenUsage;
import dev.agentry.model.ToolRequest;
import dev.agentry.policy.AllowAllPolicyEngine;
import dev.agentry.policy.Decision;
import dev.agentry.policy.PolicyEngine;
import dev.agentry.run.jdbc.JdbcRunStore;
import dev.agentry.store.StoreDatabase;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The plan-act loop over a real H2 store, with a scripted model and fake tools. */
class RunLoopTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private StoreDatabase database;
    private JdbcRunStore store;
    private final Redactor redactor = new Redactor();
    private final Clock clock = Clock.systemUTC();
    private final RecordingJournal journal = new RecordingJournal();
    private PolicyEngine policy = new AllowAllPolicyEngine();

    @BeforeEach
    void open() {
        database = StoreDatabase.open("jdbc:h2:file:" + dir.resolve("runs") + ";DB_CLOSE_ON_EXIT=FALSE", null, null, 8);
        store = new JdbcRunStore(database.dataSource(), false);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static AgentDefinition agent(Limits limits) {
        return new AgentDefinition(
                "helper",
                "",
                new ModelSettings(Provider.OPENAI, "m", null, null, null, null, null),
                "Help.",
                List.of(),
                List.of(),
                limits,
                null,
                null);
    }

    /** Runs a fresh run of an agent with {@code limits}, {@code model} and {@code tools} to its end. */
    private Outcome run(Limits limits, FakeModel model, Tool... tools) {
        return run(limits, model, new RunControl(), tools);
    }

    private Outcome run(Limits limits, FakeModel model, RunControl control, Tool... tools) {
        return run(RunPlan.of(agent(limits), model, List.of(tools)), control);
    }

    private Outcome run(RunPlan plan, RunControl control) {
        return resume(startedRun(), plan, control);
    }

    private String startedRun() {
        Instant now = clock.instant();
        Run run = Run.queued(
                RunIds.next(now), "helper", JsonNodeFactory.instance.textNode("Do it."), Trigger.api("t"), now);
        store.create(run, "node", now.plusSeconds(60));
        store.start(run.id(), "node", now, now.plusSeconds(60));
        return run.id();
    }

    private Outcome resume(String runId, RunPlan plan, RunControl control) {
        return resume(runId, plan, control, Earlier.NONE);
    }

    /** What {@link RunHistory} reads from the journal for a resumed run, here from the recorded facts. */
    private Earlier earlier(String runId) {
        Earlier.Reader reader = new Earlier.Reader();
        journal.facts().stream()
                .filter(fact -> runId.equals(fact.runId()))
                .forEach(fact -> reader.add(fact.type(), fact.data()));
        return reader.read();
    }

    private Outcome resume(String runId, RunPlan plan, RunControl control, Earlier earlier) {
        Run run = store.find(runId).orElseThrow();
        Instant deadline = run.startedAt().plus(plan.agent().limits().timeout());
        RunState state = RunState.of(runId, plan, deadline, run.input(), store.steps(runId));
        state.resumedAfter(earlier);
        RunLoop loop = new RunLoop(
                store,
                new RunEvents(),
                new ToolGate(policy, redactor, new RunJournal(journal), clock),
                new RunJournal(journal),
                redactor,
                clock);
        RunOutcome outcome = loop.run(new RunLoop.Execution(state, control, "node", Duration.ofSeconds(60)));
        return new Outcome(outcome, store.steps(runId), state.usage());
    }

    private record Outcome(RunOutcome outcome, List<Step> steps, Usage usage) {
        Step.ToolStep toolStep(int index) {
            return (Step.ToolStep) steps.get(index - 1);
        }
    }

    private static RunPlan plan(FakeModel model, Tool... tools) {
        return RunPlan.of(agent(Limits.DEFAULT), model, List.of(tools));
    }

    @Test
    void a_call_whose_result_an_earlier_attempt_recorded_is_not_made_again_on_resume() {
        FakeTool book = new FakeTool("crm", "book", arguments -> ToolResult.success(arguments));
        String runId = startedRun();
        journal.crashAfter(RecordType.TOOL_RESULT);
        assertThatThrownBy(() -> resume(
                        runId, plan(new FakeModel(call("crm_book", "{\"text\":\"once\"}")), book), new RunControl()))
                .isInstanceOf(RecordingJournal.Crash.class);
        assertThat(store.steps(runId))
                .as("the model step is committed, the tool step is not")
                .hasSize(1);

        Outcome resumed = resume(runId, plan(new FakeModel(answer("booked")), book), new RunControl(), earlier(runId));

        assertThat(resumed.outcome()).isEqualTo(new RunOutcome.Succeeded("booked"));
        assertThat(book.calls).as("made once, in the attempt that died").hasSize(1);
        assertThat(resumed.toolStep(2).resultJson())
                .isEqualTo(JsonNodeFactory.instance.objectNode().put("text", "once"));
    }

    @Test
    void a_call_in_doubt_is_not_sent_again_unless_the_tool_is_idempotent() {
        FakeTool book = new FakeTool("crm", "book", arguments -> ToolResult.success(arguments));
        FakeTool look =
                new FakeTool("crm", "look", ToolAnnotations.READ_ONLY, arguments -> ToolResult.success(arguments));
        String runId = startedRun();
        journal.crashAfter(RecordType.TOOL_INTENT);
        FakeModel books = new FakeModel(call("crm_book", "{\"text\":\"a\"}"));
        assertThatThrownBy(() -> resume(runId, plan(books, book, look), new RunControl()))
                .isInstanceOf(RecordingJournal.Crash.class);
        String lookRun = startedRun();
        journal.crashAfter(RecordType.TOOL_INTENT);
        assertThatThrownBy(() -> resume(
                        lookRun,
                        plan(new FakeModel(call("crm_look", "{\"text\":\"b\"}")), book, look),
                        new RunControl()))
                .isInstanceOf(RecordingJournal.Crash.class);
        assertThat(book.calls).isEmpty();
        assertThat(look.calls).isEmpty();

        Outcome refused =
                resume(runId, plan(new FakeModel(answer("unsure")), book, look), new RunControl(), earlier(runId));
        Outcome sent =
                resume(lookRun, plan(new FakeModel(answer("looked")), book, look), new RunControl(), earlier(lookRun));

        assertThat(book.calls).as("not idempotent: not sent again").isEmpty();
        assertThat(refused.toolStep(2).result().status()).isEqualTo("refused");
        assertThat(refused.toolStep(2).result().modelText())
                .contains("not sent again: the previous attempt may or may not have happened")
                .contains("crm.book is neither idempotent nor sent with an idempotency key");
        assertThat(refused.toolStep(2).decision().rule()).isEqualTo("in-doubt");
        assertThat(look.calls).as("read-only, so idempotent: sent again").hasSize(1);
        assertThat(sent.toolStep(2).result().status()).isEqualTo("ok");
    }

    @Test
    void code_run_again_gets_its_completed_calls_from_the_journal_and_none_in_doubt_sent_twice() {
        ToolAnnotations fromCode = new ToolAnnotations(false, false, false, true);
        FakeTool book = new FakeTool("crm", "book", fromCode, arguments -> ToolResult.success(arguments));
        List<ToolResult> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Tool code = codeRun((call, context) -> {
            seen.add(context.tools()
                    .invoke(
                            call.id() + ".1",
                            "crm.book",
                            JSON.createObjectNode().put("text", "a")));
            seen.add(context.tools()
                    .invoke(
                            call.id() + ".2",
                            "crm.book",
                            JSON.createObjectNode().put("text", "b")));
            return ToolResult.success(JsonNodeFactory.instance.textNode("ran"));
        });
        String runId = startedRun();
        journal.crashAfter(RecordType.CODE_TOOL_CALL, 2);
        assertThatThrownBy(
                        () -> resume(runId, plan(new FakeModel(call("code_run", "{}")), code, book), new RunControl()))
                .isInstanceOf(RecordingJournal.Crash.class);
        assertThat(book.arguments())
                .extracting(arguments -> arguments.path("text").asText())
                .containsExactly("a");
        seen.clear();

        Outcome resumed =
                resume(runId, plan(new FakeModel(answer("done")), code, book), new RunControl(), earlier(runId));

        assertThat(resumed.outcome()).isEqualTo(new RunOutcome.Succeeded("done"));
        assertThat(book.arguments())
                .as("the completed call is answered from the journal, the one in doubt is not sent again")
                .extracting(arguments -> arguments.path("text").asText())
                .containsExactly("a");
        assertThat(seen.get(0))
                .isEqualTo(ToolResult.success(JSON.createObjectNode().put("text", "a")));
        assertThat(seen.get(1).modelText())
                .contains("not sent again: the previous attempt may or may not have happened");
    }

    @Test
    void a_reply_without_tool_calls_is_the_final_answer() {
        FakeModel model = new FakeModel(answer("42"));

        Outcome result = run(Limits.DEFAULT, model);

        assertThat(result.outcome()).isEqualTo(new RunOutcome.Succeeded("42"));
        assertThat(result.steps()).hasSize(1);
        assertThat(result.usage()).isEqualTo(new Usage(1, 0, 10, 5));
        assertThat(model.requests.getFirst().messages()).containsExactly(new Message.User("Do it."));
        assertThat(model.requests.getFirst().instructions()).isEqualTo("Help.");
    }

    @Test
    void executes_the_tool_asked_for_and_feeds_its_result_back() throws Exception {
        FakeTool say = FakeTool.echo("echo", "say");
        FakeModel model = new FakeModel(call("echo_say", "{\"text\":\"hi\"}"), answer("said hi"));

        Outcome result = run(Limits.DEFAULT, model, say);

        assertThat(result.outcome()).isEqualTo(new RunOutcome.Succeeded("said hi"));
        assertThat(say.arguments()).containsExactly(JSON.readTree("{\"text\":\"hi\"}"));
        assertThat(model.requests.get(1).messages())
                .containsExactly(
                        new Message.User("Do it."),
                        new Message.Assistant(
                                "", List.of(new ToolRequest("call_echo_say", "echo_say", "{\"text\":\"hi\"}"))),
                        new Message.ToolOutput("call_echo_say", "echo_say", "{\"text\":\"hi\"}"));
        assertThat(model.requests.getFirst().functions()).singleElement().satisfies(function -> {
            assertThat(function.name()).isEqualTo("echo_say");
            assertThat(function.parameters().path("properties").has("text")).isTrue();
        });
        assertThat(result.toolStep(2).tool()).isEqualTo("echo.say");
        assertThat(result.toolStep(2).result().status()).isEqualTo("ok");
        assertThat(result.usage()).isEqualTo(new Usage(2, 1, 20, 10));
    }

    @Test
    void every_fact_of_a_tool_call_is_journaled_in_order_with_the_call_recorded_before_it_is_sent() {
        List<String> journaledWhenCalled = new java.util.ArrayList<>();
        FakeTool say = new FakeTool("echo", "say", arguments -> {
            journaledWhenCalled.addAll(types());
            return ToolResult.success(arguments);
        });
        FakeModel model = new FakeModel(call("echo_say", "{\"text\":\"hi\"}"), answer("said hi"));

        run(Limits.DEFAULT, model, say);

        assertThat(types())
                .containsExactly(
                        "model.request",
                        "model.response",
                        "policy.decision",
                        "tool.intent",
                        "tool.result",
                        "model.request",
                        "model.response");
        assertThat(journaledWhenCalled).endsWith("policy.decision", "tool.intent");
        assertThat(journal.facts().get(3).data().path("arguments").path("text").asText())
                .isEqualTo("hi");
        assertThat(journal.facts().get(4).data().path("result").path("text").asText())
                .isEqualTo("hi");
        assertThat(journal.facts()).allSatisfy(fact -> assertThat(fact.actor()).isEqualTo(Actor.SYSTEM));
    }

    /**
     * A record that cannot be written stops the run before any tool call goes out after it. An intent
     * is waited for; a model request, a model's answer and a tool's result are handed to the journal
     * without waiting and confirmed before the next tool call is sent (or the run ends), so the model
     * may be asked while one of them is still being written.
     */
    @ParameterizedTest
    @CsvSource({
        "MODEL_REQUEST, 0, model.response policy.decision tool.intent",
        "MODEL_RESPONSE, 0, model.request policy.decision tool.intent",
        "TOOL_INTENT, 0, model.request model.response",
        "TOOL_RESULT, 1, model.request model.response policy.decision tool.intent model.request model.response"
    })
    void a_record_that_cannot_be_journaled_stops_the_run_saying_why(RecordType refused, int sent, String recorded) {
        FakeTool say = FakeTool.echo("echo", "say");
        FakeModel model = new FakeModel(call("echo_say", "{\"text\":\"hi\"}"), answer("done"));
        journal.refuse(refused);

        Outcome result = run(Limits.DEFAULT, model, say);

        assertThat(say.arguments()).hasSize(sent);
        assertThat(types()).containsExactly(recorded.split(" "));
        assertThat(result.outcome())
                .isEqualTo(new RunOutcome.Failed("stopped unaudited: the audit journal could not be written: the"
                        + " database is down; no call whose record failed was sent"));
    }

    private List<String> types() {
        return journal.facts().stream().map(fact -> fact.type().id()).toList();
    }

    @Test
    void no_tool_call_is_sent_after_a_step_the_store_refused_because_the_run_was_taken_over() {
        FakeTool say = FakeTool.echo("echo", "say");
        String runId = startedRun();
        FakeModel model = new FakeModel(request -> {
            // Another replica adopts the run while the model thinks: this one's step will not be written.
            store.renewLeases("node", List.of(runId), Instant.EPOCH);
            assertThat(store.start(
                            runId, "other", clock.instant(), clock.instant().plusSeconds(60)))
                    .isTrue();
            return new ModelReply("", List.of(new ToolRequest("c1", "echo_say", "{}")), TokenUsage.NONE);
        });

        assertThatThrownBy(() -> resume(runId, plan(model, say), new RunControl()))
                .isInstanceOf(RunLoop.LeaseLost.class);
        assertThat(say.arguments()).isEmpty();
        assertThat(store.steps(runId)).isEmpty();
    }

    /**
     * Runs {@code runId} to its end as the service does: the store commits through the journal's
     * writer, so steps are committed while the loop goes on.
     */
    private RunOutcome runGrouped(String runId, RunPlan plan, RunEvents events) {
        try (JdbcJournal writer = new JdbcJournal(database.dataSource(), clock)) {
            RunState state = RunState.of(runId, plan, clock.instant().plusSeconds(60), null, List.of());
            RunLoop loop = new RunLoop(
                    new JdbcRunStore(database.dataSource(), false, writer),
                    events,
                    new ToolGate(policy, redactor, new RunJournal(journal), clock),
                    new RunJournal(journal),
                    redactor,
                    clock);
            return loop.run(new RunLoop.Execution(state, new RunControl(), "node", Duration.ofSeconds(60)));
        }
    }

    /**
     * Steps are handed to the store without waiting; a follower of the run (an event stream) sees each
     * as soon as it is committed, not only when the run next confirms, after the model's next answer.
     */
    @Test
    void followers_see_a_tool_step_while_the_model_is_still_thinking() throws Exception {
        FakeTool say = FakeTool.echo("echo", "say");
        String runId = startedRun();
        RunEvents events = new RunEvents();
        List<Integer> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Integer> publishedWhenAsked = new java.util.ArrayList<>();
        FakeModel model = new FakeModel(
                request -> new ModelReply("", List.of(new ToolRequest("c1", "echo_say", "{}")), TokenUsage.NONE),
                request -> {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (published.size() < 2 && System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    publishedWhenAsked.addAll(published);
                    return new ModelReply("done", List.of(), TokenUsage.NONE);
                });
        RunOutcome outcome;
        try (AutoCloseable subscription = events.subscribe(runId, event -> {
            if (event instanceof RunEvent.StepAdded added) {
                published.add(added.step().index());
            }
        })) {
            outcome = runGrouped(runId, plan(model, say), events);
        }

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded("done"));
        assertThat(publishedWhenAsked).containsExactly(1, 2);
    }

    /** What a resumed run relies on: a tool call goes out only once every step before it is committed. */
    @Test
    void every_step_is_committed_before_the_next_tool_call_is_sent() {
        String runId = startedRun();
        List<Integer> committedWhenCalled = new java.util.ArrayList<>();
        FakeTool say = new FakeTool("echo", "say", arguments -> {
            committedWhenCalled.add(store.steps(runId).size());
            return ToolResult.success(arguments);
        });
        FakeModel model = new FakeModel(
                call("echo_say", "{\"text\":\"a\"}"), call("echo_say", "{\"text\":\"b\"}"), answer("done"));

        RunOutcome outcome = runGrouped(runId, plan(model, say), new RunEvents());

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded("done"));
        assertThat(committedWhenCalled).containsExactly(1, 3);
        assertThat(store.steps(runId)).hasSize(5);
    }

    @Test
    void runs_the_tool_calls_of_one_reply_concurrently() {
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        FakeTool meet = new FakeTool("sync", "meet", arguments -> {
            try {
                bothRunning.await(5, TimeUnit.SECONDS);
                return ToolResult.success(JsonNodeFactory.instance.textNode("met"));
            } catch (Exception e) {
                return ToolResult.failed("the other call never ran alongside: " + e);
            }
        });
        FakeModel model = new FakeModel(
                calls(new ToolRequest("a", "sync_meet", "{}"), new ToolRequest("b", "sync_meet", "{}")),
                answer("both met"));

        Outcome result = run(Limits.DEFAULT, model, meet);

        assertThat(result.outcome()).isEqualTo(new RunOutcome.Succeeded("both met"));
        assertThat(List.of(result.toolStep(2), result.toolStep(3)))
                .extracting(step -> step.result().modelText())
                .containsExactly("met", "met");
        assertThat(model.requests.get(1).messages().subList(2, 4))
                .containsExactly(
                        new Message.ToolOutput("a", "sync_meet", "met"),
                        new Message.ToolOutput("b", "sync_meet", "met"));
    }

    @Test
    void a_tool_that_does_not_exist_is_an_error_result_the_model_reads() {
        FakeModel model = new FakeModel(call("crm_delete", "{}"), answer("ok, I cannot"));

        Outcome result = run(Limits.DEFAULT, model, FakeTool.echo("echo", "say"));

        assertThat(result.outcome()).isEqualTo(new RunOutcome.Succeeded("ok, I cannot"));
        assertThat(result.toolStep(2).tool()).isEqualTo("crm_delete");
        assertThat(result.toolStep(2).result())
                .isEqualTo(
                        ToolResult.failed("there is no tool named 'crm_delete'; the tools you can call are echo_say"));
        assertThat(model.requests.get(1).messages().getLast())
                .isEqualTo(new Message.ToolOutput(
                        "call_crm_delete",
                        "crm_delete",
                        "error: there is no tool named 'crm_delete'; the tools you can call are echo_say"));
    }

    @Test
    void arguments_that_are_not_json_or_break_the_schema_never_reach_the_tool() {
        FakeTool say = FakeTool.echo("echo", "say");
        FakeModel model = new FakeModel(
                calls(new ToolRequest("a", "echo_say", "{not json"), new ToolRequest("b", "echo_say", "{\"text\": 7}")),
                answer("gave up"));

        Outcome result = run(Limits.DEFAULT, model, say);

        assertThat(say.calls).isEmpty();
        assertThat(result.toolStep(2).result())
                .isEqualTo(ToolResult.failed("the arguments for echo.say are not valid JSON; send a JSON object that"
                        + " matches the tool's parameters"));
        assertThat(result.toolStep(2).arguments().asText()).isEqualTo("{not json");
        assertThat(result.toolStep(3).result())
                .isEqualTo(ToolResult.failed("the arguments do not match the parameters of echo.say:"
                        + " $.text: integer found, string expected. Fix them and call again."));
    }

    @Test
    void a_tool_that_throws_becomes_a_failed_result() {
        FakeTool broken = new FakeTool("bad", "tool", arguments -> {
            throw new IllegalStateException("boom");
        });
        FakeModel model = new FakeModel(call("bad_tool", "{}"), answer("noted"));

        Outcome result = run(Limits.DEFAULT, model, broken);

        assertThat(result.outcome()).isEqualTo(new RunOutcome.Succeeded("noted"));
        assertThat(result.toolStep(2).result())
                .isEqualTo(ToolResult.failed("bad.tool failed unexpectedly: java.lang.IllegalStateException: boom"));
    }

    @Test
    void a_denied_call_is_refused_and_the_tool_is_not_called() {
        policy =
                request -> request.tool().equals("echo.say") ? Decision.deny("no echoing today") : Decision.allow("ok");
        FakeTool say = FakeTool.echo("echo", "say");
        FakeModel model = new FakeModel(call("echo_say", "{}"), answer("understood"));

        Outcome result = run(Limits.DEFAULT, model, say);

        assertThat(say.calls).isEmpty();
        assertThat(result.toolStep(2).result()).isEqualTo(ToolResult.refused("no echoing today"));
        assertThat(model.requests.get(1).messages().getLast())
                .isEqualTo(new Message.ToolOutput("call_echo_say", "echo_say", "refused by policy: no echoing today"));
    }

    @Test
    void calls_a_tool_makes_for_code_pass_the_same_policy_marked_as_coming_from_code() {
        List<dev.agentry.policy.PolicyRequest> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        policy = request -> {
            asked.add(request);
            return request.tool().equals("crm.delete") ? Decision.deny("never delete") : Decision.allow("ok");
        };
        FakeTool delete = new FakeTool(
                "crm", "delete", new dev.agentry.tool.ToolAnnotations(false, true, true, true), ToolResult::success);
        FakeTool update = FakeTool.echo("crm", "update");
        List<Object> seen = new java.util.ArrayList<>();
        dev.agentry.tool.Tool code = codeRun((call, context) -> {
            seen.add(context.tools().available());
            seen.add(context.tools().invoke(call.id() + ".1", "crm.delete", JsonNodeFactory.instance.objectNode()));
            seen.add(context.tools().invoke(call.id() + ".2", "code.run", JsonNodeFactory.instance.objectNode()));
            seen.add(context.tools().invoke(call.id() + ".3", "crm.update", JsonNodeFactory.instance.objectNode()));
            return ToolResult.success(JsonNodeFactory.instance.textNode("ran"));
        });
        FakeModel model = new FakeModel(call("code_run", "{}"), answer("done"));

        run(Limits.DEFAULT, model, code, delete, update);

        assertThat(seen.get(0)).isEqualTo(List.of("crm.delete"));
        assertThat(seen.get(1)).isEqualTo(ToolResult.refused("never delete"));
        assertThat(seen.get(2))
                .isEqualTo(
                        ToolResult.failed("the agent has no tool 'code.run' that code may call; it has [crm.delete]"));
        assertThat(seen.get(3))
                .as("a tool not marked callable-from-code is out of code's reach, whatever policy says")
                .isEqualTo(ToolResult.refused("crm.update is not callable from code (its toolset does not mark it"
                        + " callable-from-code); call it as a tool instead"));
        assertThat(delete.calls).isEmpty();
        assertThat(update.calls).isEmpty();
        assertThat(asked).extracting(dev.agentry.policy.PolicyRequest::origin).containsExactly("model", "code");
    }

    @Test
    void stops_at_max_steps_naming_the_limit_and_the_fix() {
        FakeModel model = new FakeModel(call("echo_say", "{}"), call("echo_say", "{}"), call("echo_say", "{}"));

        Outcome result = run(new Limits(2, null, null, null), model, FakeTool.echo("echo", "say"));

        assertThat(result.outcome())
                .isEqualTo(new RunOutcome.Failed("limit max-steps reached: the model still wanted tools after 2 steps;"
                        + " raise limits.max-steps in agents/helper.yaml or narrow the task"));
        assertThat(model.requests).hasSize(2);
    }

    @Test
    void stops_before_exceeding_max_tool_calls() {
        FakeTool say = FakeTool.echo("echo", "say");
        FakeModel model = new FakeModel(
                call("echo_say", "{}"),
                calls(new ToolRequest("a", "echo_say", "{}"), new ToolRequest("b", "echo_say", "{}")));

        Outcome result = run(new Limits(null, 2, null, null), model, say);

        assertThat(result.outcome())
                .isEqualTo(new RunOutcome.Failed("limit max-tool-calls reached: the model asked for 2 more tool calls"
                        + " after 1, over the limit of 2; raise limits.max-tool-calls in agents/helper.yaml or narrow"
                        + " the task"));
        assertThat(say.calls).hasSize(1);
    }

    @Test
    void stops_when_the_token_budget_is_spent() {
        FakeModel model = new FakeModel(request ->
                new ModelReply("", List.of(new ToolRequest("a", "echo_say", "{}")), new TokenUsage(900, 200)));

        Outcome result = run(new Limits(null, null, null, 1000L), model, FakeTool.echo("echo", "say"));

        assertThat(result.outcome())
                .isEqualTo(
                        new RunOutcome.Failed("limit max-tokens reached: the run used 1100 tokens, the limit is 1000;"
                                + " raise limits.max-tokens in agents/helper.yaml or narrow the task"));
    }

    @Test
    void a_deadline_interrupts_a_slow_model_call() {
        RunControl control = new RunControl();
        FakeModel model = new FakeModel(request -> {
            try {
                Thread.sleep(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new java.util.concurrent.CancellationException("interrupted");
            }
            return new ModelReply("too late", List.of(), TokenUsage.NONE);
        });
        Thread.ofVirtual().start(() -> {
            sleep(200);
            control.timeOut();
        });

        Outcome result = run(new Limits(null, null, Duration.ofSeconds(1), null), model, control);

        assertThat(result.outcome())
                .isEqualTo(new RunOutcome.Failed("limit timeout reached: the run took longer than 1s;"
                        + " raise limits.timeout in agents/helper.yaml or narrow the task"));
    }

    @Test
    void cancelling_interrupts_a_running_tool_and_ends_the_run_cancelled() {
        RunControl control = new RunControl();
        boolean[] interrupted = new boolean[1];
        FakeTool slow = new FakeTool("slow", "wait", arguments -> {
            try {
                Thread.sleep(Duration.ofSeconds(30));
                return ToolResult.success(JsonNodeFactory.instance.textNode("done"));
            } catch (InterruptedException e) {
                interrupted[0] = true;
                return ToolResult.failed("interrupted");
            }
        });
        Thread.ofVirtual().start(() -> {
            sleep(300);
            control.cancel();
        });

        Outcome result = run(Limits.DEFAULT, new FakeModel(call("slow_wait", "{}")), control, slow);

        assertThat(result.outcome()).isEqualTo(new RunOutcome.Cancelled("cancelled by request"));
        assertThat(interrupted[0]).isTrue();
    }

    @Test
    void a_model_that_fails_fails_the_run_with_its_reason() {
        FakeModel model = new FakeModel(request -> {
            throw new AgentryException.Unavailable("model call to x failed: HTTP 401: bad key");
        });

        Outcome result = run(Limits.DEFAULT, model);

        assertThat(result.outcome())
                .isEqualTo(new RunOutcome.Failed("model call failed: model call to x failed: HTTP 401: bad key"));
    }

    @Test
    void a_resumed_run_does_not_repeat_a_tool_call_that_completed() {
        FakeTool first = FakeTool.echo("a", "first");
        FakeTool second = FakeTool.echo("a", "second");
        RunPlan plan = RunPlan.of(agent(Limits.DEFAULT), new FakeModel(), List.of(first, second));
        Instant now = clock.instant();
        Run run = Run.queued(
                RunIds.next(now), "helper", JsonNodeFactory.instance.textNode("Do it."), Trigger.api("t"), now);
        store.create(run, "node", now.plusSeconds(60));
        store.start(run.id(), "node", now, now.plusSeconds(60));
        var asked = new Step.ModelStep(
                1,
                now,
                5,
                "",
                List.of(new ToolRequest("c1", "a_first", "{}"), new ToolRequest("c2", "a_second", "{}")),
                new TokenUsage(10, 5));
        store.addStep(run.id(), "node", asked);
        store.addStep(
                run.id(),
                "node",
                new Step.ToolStep(
                        2,
                        now,
                        1,
                        "c1",
                        "a.first",
                        JsonNodeFactory.instance.objectNode(),
                        ToolResult.success(JsonNodeFactory.instance.textNode("first done"))));
        FakeModel model = new FakeModel(answer("all done"));

        Outcome result =
                resume(run.id(), RunPlan.of(agent(Limits.DEFAULT), model, List.of(first, second)), new RunControl());

        assertThat(plan.toolsByFunction()).hasSize(2);
        assertThat(first.calls).isEmpty();
        assertThat(second.calls).hasSize(1);
        assertThat(result.outcome()).isEqualTo(new RunOutcome.Succeeded("all done"));
        assertThat(result.steps()).extracting(Step::index).containsExactly(1, 2, 3, 4);
        assertThat(model.requests.getFirst().messages())
                .containsExactly(
                        new Message.User("Do it."),
                        new Message.Assistant("", asked.toolRequests()),
                        new Message.ToolOutput("c1", "a_first", "first done"),
                        new Message.ToolOutput("c2", "a_second", "{}"));
        assertThat(result.usage()).isEqualTo(new Usage(2, 2, 20, 10));
    }

    @Test
    void secrets_a_tool_returns_are_scrubbed_before_storage_and_before_the_model_sees_them() {
        redactor.update("tools/crm.yaml", Set.of("sk-very-secret-1234"));
        FakeTool leaky = new FakeTool(
                "crm",
                "whoami",
                arguments -> ToolResult.success(
                        JsonNodeFactory.instance.objectNode().put("token", "Bearer sk-very-secret-1234")));
        FakeModel model = new FakeModel(call("crm_whoami", "{}"), answer("done"));

        Outcome result = run(Limits.DEFAULT, model, leaky);

        assertThat(result.toolStep(2).resultJson().toString()).isEqualTo("{\"token\":\"Bearer ****\"}");
        assertThat(model.requests.get(1).messages().getLast())
                .isEqualTo(new Message.ToolOutput("call_crm_whoami", "crm_whoami", "{\"token\":\"Bearer ****\"}"));
    }

    @Test
    void the_call_runs_with_the_arguments_the_model_wrote_and_only_the_stored_copy_is_scrubbed() throws Exception {
        // A credential whose value is also ordinary text in code the model writes.
        redactor.update("tools/crm.yaml", Set.of("pattern.test"));
        FakeTool say = FakeTool.echo("echo", "say");
        FakeModel model = new FakeModel(call("echo_say", "{\"text\":\"pattern.test(s)\"}"), answer("done"));

        Outcome result = run(Limits.DEFAULT, model, say);

        assertThat(say.arguments()).containsExactly(JSON.readTree("{\"text\":\"pattern.test(s)\"}"));
        Step.ModelStep stored = (Step.ModelStep) result.steps().getFirst();
        assertThat(stored.toolRequests().getFirst().arguments()).isEqualTo("{\"text\":\"****(s)\"}");
        assertThat(result.toolStep(2).arguments()).hasToString("{\"text\":\"****(s)\"}");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final String TOTAL_SCHEMA = "{\"type\": \"object\", \"properties\": {\"total\": {\"type\":"
            + " \"integer\"}}, \"required\": [\"total\"], \"additionalProperties\": false}";

    private static RunPlan structured(FakeModel model) throws Exception {
        AgentDefinition agent = new AgentDefinition(
                "helper",
                "",
                new ModelSettings(Provider.OPENAI, "m", null, null, null, null, null),
                "Help.",
                List.of(),
                List.of(),
                Limits.DEFAULT,
                null,
                null,
                JSON.readTree(TOTAL_SCHEMA));
        return RunPlan.of(agent, model, List.of());
    }

    @Test
    void an_answer_that_misses_the_output_schema_goes_back_once_with_what_is_wrong() throws Exception {
        String fenced = "```json\n{\"total\": 3}\n```";
        FakeModel model = new FakeModel(answer("The total is three."), answer(fenced));

        Outcome result = run(structured(model), new RunControl());

        assertThat(result.outcome()).isEqualTo(new RunOutcome.Succeeded(fenced));
        assertThat(model.requests.getFirst().instructions())
                .contains("must be only JSON")
                .contains("\"total\"");
        Message feedback = model.requests.get(1).messages().getLast();
        assertThat(feedback).isInstanceOf(Message.User.class);
        assertThat(((Message.User) feedback).text())
                .startsWith("Your answer does not match the required output schema: the answer is not JSON");
    }

    @Test
    void a_second_answer_that_misses_fails_the_run_with_what_is_wrong() throws Exception {
        FakeModel model = new FakeModel(answer("{\"total\": \"three\"}"), answer("{\"sum\": 3}"));

        Outcome result = run(structured(model), new RunControl());

        assertThat(result.outcome()).isInstanceOf(RunOutcome.Failed.class);
        assertThat(((RunOutcome.Failed) result.outcome()).reason())
                .startsWith("the final answer does not match the agent's output-schema after one retry: ")
                .contains("sum");
        assertThat(((Message.User) model.requests.get(1).messages().getLast()).text())
                .contains("total");
    }

    @Test
    void a_run_rebuilt_after_a_sent_back_answer_has_the_same_conversation_and_answer() throws Exception {
        FakeModel model = new FakeModel(answer("three"), answer("{\"total\": 3}"));
        RunPlan plan = structured(model);
        Outcome result = run(plan, new RunControl());
        String runId = store.list(new RunQuery(null, null, 1, null)).getFirst().id();

        RunState rebuilt = RunState.of(runId, plan, clock.instant().plusSeconds(60), null, result.steps());

        assertThat(rebuilt.finalAnswer()).contains("{\"total\": 3}");
        assertThat(rebuilt.history().get(2))
                .isEqualTo(model.requests.get(1).messages().get(2));
        assertThat(rebuilt.rejectedAnswers()).isEqualTo(1);
    }

    @Test
    void a_run_stops_when_its_tokens_cost_more_than_max_cost() throws Exception {
        FakeTool say = FakeTool.echo("echo", "say");
        FakeModel model = new FakeModel(call("echo_say", "{\"text\":\"hi\"}"), answer("done"));
        Limits capped = new Limits(null, null, null, null, null, 0.01);
        RunPlan plan =
                RunPlan.of(agent(capped), model, List.of(say)).withPrice(new dev.agentry.model.Price(1000, 1000));

        Outcome result = run(plan, new RunControl());

        assertThat(result.outcome()).isInstanceOf(RunOutcome.Failed.class);
        assertThat(((RunOutcome.Failed) result.outcome()).reason())
                .startsWith("limit max-cost reached: the run cost $0.0150 at m's price, the limit is $0.0100");
        assertThat(say.calls).isEmpty();
    }

    @Test
    void masks_for_the_model_apply_to_what_code_gets_back_from_a_tool_too() {
        dev.agentry.policy.Redaction emails = dev.agentry.policy.Redaction.of(List.of("email"), java.util.Map.of());
        policy = new PolicyEngine() {
            @Override
            public Decision decide(dev.agentry.policy.PolicyRequest request) {
                return Decision.allow("ok");
            }

            @Override
            public Redactions redactions(List<String> policies) {
                return new Redactions(emails, dev.agentry.policy.Redaction.NONE);
            }
        };
        FakeTool lookup = new FakeTool(
                "crm",
                "lookup",
                new dev.agentry.tool.ToolAnnotations(true, false, true, true),
                arguments ->
                        ToolResult.success(JsonNodeFactory.instance.objectNode().put("email", "eve@evil.example")));
        List<ToolResult> seen = new java.util.ArrayList<>();
        dev.agentry.tool.Tool code = codeRun((call, context) -> {
            seen.add(context.tools().invoke(call.id() + ".1", "crm.lookup", JsonNodeFactory.instance.objectNode()));
            return seen.getFirst();
        });
        FakeModel model = new FakeModel(call("code_run", "{}"), answer("done"));

        Outcome result = run(Limits.DEFAULT, model, code, lookup);

        assertThat(seen.getFirst().modelText()).contains("<email>").doesNotContain("eve@evil.example");
        assertThat(result.toolStep(2).result().modelText()).doesNotContain("eve@evil.example");
        assertThat(model.requests.get(1).messages().getLast().toString()).doesNotContain("eve@evil.example");
    }

    @Test
    void a_call_from_code_that_needs_approval_is_refused_to_the_code_which_cannot_wait() {
        policy = request -> request.origin().equals("code")
                ? new Decision.RequireApproval("guard", "ask-first", "writes need a person")
                : Decision.allow("ok");
        FakeTool update = new FakeTool(
                "crm", "update", new dev.agentry.tool.ToolAnnotations(false, true, true, true), ToolResult::success);
        List<ToolResult> seen = new java.util.ArrayList<>();
        dev.agentry.tool.Tool code = codeRun((call, context) -> {
            seen.add(context.tools().invoke(call.id() + ".1", "crm.update", JsonNodeFactory.instance.objectNode()));
            return ToolResult.success(JsonNodeFactory.instance.textNode("ran"));
        });
        FakeModel model = new FakeModel(call("code_run", "{}"), answer("done"));

        Outcome result = run(Limits.DEFAULT, model, code, update);

        assertThat(result.outcome()).isEqualTo(new RunOutcome.Succeeded("done"));
        assertThat(seen.getFirst())
                .isEqualTo(ToolResult.refused("refused: this call needs a person's approval (writes need a person), and"
                        + " code cannot wait for one; the model can make this call itself, outside code.run"));
        assertThat(update.calls).isEmpty();
    }

    @Test
    void calls_from_code_count_against_max_tool_calls() {
        FakeTool lookup = new FakeTool(
                "crm",
                "lookup",
                dev.agentry.tool.ToolAnnotations.READ_ONLY,
                arguments -> ToolResult.success(arguments));
        List<ToolResult> seen = new java.util.ArrayList<>();
        dev.agentry.tool.Tool code = codeRun((call, context) -> {
            for (int i = 0; i < 4; i++) {
                seen.add(context.tools()
                        .invoke(call.id() + "." + i, "crm.lookup", JsonNodeFactory.instance.objectNode()));
            }
            return ToolResult.success(JsonNodeFactory.instance.textNode("ran"));
        });
        FakeModel model = new FakeModel(call("code_run", "{}"), call("crm_lookup", "{}"), answer("done"));

        Outcome result = run(new Limits(null, 3, null, null), model, code, lookup);

        assertThat(lookup.calls).hasSize(3);
        assertThat(seen.get(3))
                .isEqualTo(ToolResult.refused("refused: the run has made 3 tool calls, calls from code included, which"
                        + " is its limits.max-tool-calls"));
        assertThat(result.outcome()).isInstanceOf(RunOutcome.Failed.class);
        assertThat(((RunOutcome.Failed) result.outcome()).reason())
                .startsWith("limit max-tool-calls reached: the model asked for 1 more tool calls after 5");
    }

    /** A code.run tool whose "guest code" is {@code body}: it reaches tools as code does, through the invoker. */
    private static dev.agentry.tool.Tool codeRun(
            java.util.function.BiFunction<dev.agentry.tool.ToolCall, dev.agentry.tool.ToolContext, ToolResult> body) {
        dev.agentry.tool.ToolSpec spec = new FakeTool("code", "run", arguments -> ToolResult.success(arguments)).spec();
        return new dev.agentry.tool.Tool() {
            @Override
            public dev.agentry.tool.ToolSpec spec() {
                return spec;
            }

            @Override
            public ToolResult call(dev.agentry.tool.ToolCall call, dev.agentry.tool.ToolContext context) {
                return body.apply(call, context);
            }
        };
    }
}
