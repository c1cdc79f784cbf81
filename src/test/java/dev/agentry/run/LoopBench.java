package dev.agentry.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.agent.Limits;
import dev.agentry.asset.Redactor;
import dev.agentry.audit.Journal;
import dev.agentry.audit.jdbc.JdbcJournal;
import dev.agentry.fixtures.Bench;
import dev.agentry.model.ModelSettings;
import dev.agentry.model.Provider;
import dev.agentry.model.langchain4j.ChatModelClient;
import dev.agentry.policy.AllowAllPolicyEngine;
import dev.agentry.policy.PolicyEngine;
import dev.agentry.policy.PolicyFolder;
import dev.agentry.run.jdbc.JdbcRunStore;
import dev.agentry.store.StoreDatabase;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.service.AiServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Loop overhead per step, side by side in one JVM: Agentry's loop and langchain4j's AiServices play
 * the same 10-tool-call conversation against the same in-process, zero-latency scripted
 * {@link ChatModel} and the same trivial tool. A step is one model call or one tool call (21 per
 * conversation). Agentry runs with its store off (writes discarded) and with the H2 file store.
 */
@Tag("bench")
class LoopBench {

    /**
     * Interleaved rounds per comparison, of 2,000 conversations each side: short rounds, many of them,
     * so that a GC pause or a compilation lands in few rounds and the median sees past it.
     */
    private static final int ROUNDS = 51;

    private static final int TOOL_CALLS = 10;
    private static final int STEPS = 2 * TOOL_CALLS + 1;

    /** The same scripted model for both: ten calls of echo_say, then an answer. */
    static final class ScriptedChatModel implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            int turn = 0;
            for (ChatMessage message : request.messages()) {
                if (message instanceof AiMessage) {
                    turn++;
                }
            }
            AiMessage reply = turn < TOOL_CALLS
                    ? AiMessage.from(List.of(ToolExecutionRequest.builder()
                            .id("call_" + turn)
                            .name("echo_say")
                            .arguments("{\"text\":\"ping " + turn + "\"}")
                            .build()))
                    : AiMessage.from("done");
            return ChatResponse.builder()
                    .aiMessage(reply)
                    .tokenUsage(new TokenUsage(10, 2))
                    .build();
        }
    }

    /** The peer's tool. */
    public static final class EchoTools {
        @Tool(name = "echo_say", value = "Echoes its text.")
        public String say(String text) {
            return text;
        }
    }

    interface Assistant {
        String chat(String input);
    }

    /** Store "off": every write is accepted and dropped. */
    static final class DiscardingStore implements RunStore {
        @Override
        public void create(Run run, String owner, Instant leaseUntil) {}

        @Override
        public boolean start(String runId, String owner, Instant startedAt, Instant leaseUntil) {
            return true;
        }

        @Override
        public boolean addStep(String runId, String owner, Step step) {
            return true;
        }

        @Override
        public boolean finish(String runId, RunOutcome outcome, Usage usage, Instant endedAt) {
            return true;
        }

        @Override
        public boolean finish(
                String runId, RunOutcome outcome, Usage usage, Instant endedAt, dev.agentry.audit.Fact ended) {
            return finish(runId, outcome, usage, endedAt);
        }

        @Override
        public Optional<Run> find(String runId) {
            return Optional.empty();
        }

        @Override
        public List<Step> steps(String runId) {
            return List.of();
        }

        @Override
        public List<Run> list(RunQuery query) {
            return List.of();
        }

        @Override
        public java.util.Map<String, Integer> denials(java.util.Collection<String> runIds) {
            return java.util.Map.of();
        }

        @Override
        public void renewLeases(String owner, List<String> runIds, Instant leaseUntil) {}

        @Override
        public List<String> orphans(Instant now, int max) {
            return List.of();
        }

        @Override
        public boolean park(String runId, String owner, Instant at) {
            return true;
        }

        @Override
        public boolean unpark(String runId, Instant at) {
            return false;
        }

        @Override
        public Duration waited(String runId) {
            return Duration.ZERO;
        }

        @Override
        public int purge(Instant endedBefore, int max) {
            return 0;
        }
    }

    private final Clock clock = Clock.systemUTC();
    private final Redactor redactor = new Redactor();
    private final ChatModel model = new ScriptedChatModel();
    private final RunPlan plan = plan(List.of());

    private RunPlan plan(List<String> policies) {
        return RunPlan.of(
                new AgentDefinition(
                        "bench",
                        "",
                        new ModelSettings(Provider.OPENAI, "m", null, null, null, null, null),
                        "Echo ten times.",
                        List.of(),
                        policies,
                        new Limits(50, 50, Duration.ofMinutes(5), null),
                        null,
                        null),
                new ChatModelClient(model, "scripted"),
                List.of(new EchoTool()));
    }

    /**
     * Ten rules that all cover echo.say and none of which holds, so every call evaluates them all and
     * ends at the default: the policy cost of each call, with no shortcut.
     */
    static final String TEN_RULES = """
            name: bench-rules
            rules:
              - {name: r0, tools: [echo.*], when: 'has(args.to) && email_domain(args.to) != "acme.example"', effect: deny}
              - {name: r1, tools: [echo.*], when: 'has(args.url) && url_host(args.url) != "api.acme.example"', effect: deny}
              - {name: r2, tools: [echo.*], when: 'args.text.size() > 10000', effect: deny}
              - {name: r3, tools: [echo.*], when: 'run.calls[tool] >= 40', effect: deny}
              - {name: r4, tools: [echo.*], when: 'annotations.destructive && origin == "code"', effect: deny}
              - {name: r5, tools: [echo.*], when: 'args.text.contains("password")', effect: require-approval}
              - {name: r6, tools: [echo.*], when: 'run.tokens > 5000000', effect: deny}
              - {name: r7, tools: [echo.*], when: 'run.elapsed_ms > 600000', effect: deny}
              - {name: r8, tools: [echo.*], when: 'agent == "nobody"', effect: deny}
              - {name: r9, tools: [echo.*], when: 'origin == "operator" && tool.endsWith("_all")', effect: deny}
            default: allow
            """;

    /** The same trivial tool for Agentry: returns its arguments, remembers nothing. */
    static final class EchoTool implements dev.agentry.tool.Tool {
        private final dev.agentry.tool.ToolSpec spec =
                FakeTool.echo("echo", "say").spec();

        @Override
        public dev.agentry.tool.ToolSpec spec() {
            return spec;
        }

        @Override
        public dev.agentry.tool.ToolResult call(dev.agentry.tool.ToolCall call, dev.agentry.tool.ToolContext context) {
            return dev.agentry.tool.ToolResult.success(call.arguments());
        }
    }

    /** The loop with {@code journal} recording its facts: a real one with the H2 store, none with the store off. */
    private RunLoop loop(RunStore store, Journal journal) {
        return loop(store, journal, new AllowAllPolicyEngine());
    }

    private RunLoop loop(RunStore store, Journal journal, PolicyEngine policies) {
        RunJournal records = new RunJournal(journal);
        return new RunLoop(
                store, new RunEvents(), new ToolGate(policies, redactor, records, clock), records, redactor, clock);
    }

    private void agentryRun(RunLoop loop, RunStore store) {
        agentryRun(loop, store, plan);
    }

    private void agentryRun(RunLoop loop, RunStore store, RunPlan plan) {
        Instant now = clock.instant();
        String id = RunIds.next(now);
        Run run = Run.queued(id, "bench", JsonNodeFactory.instance.textNode("go"), Trigger.api("bench"), now);
        store.create(run, "bench", now.plusSeconds(60));
        // Started as RunExecutor starts a run it has just created: handed over, confirmed before the first call.
        RunStore.Pending start = store.startLater(id, "bench", now, now.plusSeconds(60));
        RunState state = RunState.of(id, plan, now.plusSeconds(60), run.input(), List.of());
        state.unconfirmed().add(() -> {
            if (!start.written()) {
                throw new IllegalStateException("bench run was not started");
            }
        });
        RunOutcome outcome = loop.run(new RunLoop.Execution(state, new RunControl(), "bench", Duration.ofSeconds(60)));
        if (!(outcome instanceof RunOutcome.Succeeded)) {
            throw new IllegalStateException("bench run did not succeed: " + outcome);
        }
        store.finish(id, outcome, state.usage(), clock.instant());
    }

    /** Microseconds per step of each side, and their ratio, as medians over interleaved rounds. */
    private record SideBySide(double peer, double agentry, double ratio) {}

    /**
     * Alternates rounds of the peer and of Agentry so that both see the same machine state (JIT, GC,
     * noise from the other core), after warming both up.
     */
    private static SideBySide interleaved(Runnable peer, Runnable agentry, int warmup, int perRound, int rounds) {
        for (int i = 0; i < warmup; i++) {
            peer.run();
            agentry.run();
        }
        double[] peerMicros = new double[rounds];
        double[] agentryMicros = new double[rounds];
        double[] ratios = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            peerMicros[round] = microsPerStep(peer, perRound);
            agentryMicros[round] = microsPerStep(agentry, perRound);
            ratios[round] = agentryMicros[round] / peerMicros[round];
        }
        return new SideBySide(median(peerMicros), median(agentryMicros), median(ratios));
    }

    private static double microsPerStep(Runnable conversation, int times) {
        long t0 = System.nanoTime();
        for (int i = 0; i < times; i++) {
            conversation.run();
        }
        return (System.nanoTime() - t0) / 1_000.0 / times / STEPS;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Committed steps per second with {@code parallel} runs at a time on the H2 file store. */
    private double stepsPerSecond(RunLoop loop, RunStore store, int parallel, Duration duration) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long end = System.nanoTime() + duration.toNanos();
            List<Future<Integer>> workers = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int p = 0; p < parallel; p++) {
                workers.add(threads.submit(() -> {
                    int runs = 0;
                    while (System.nanoTime() < end) {
                        agentryRun(loop, store);
                        runs++;
                    }
                    return runs;
                }));
            }
            int runs = 0;
            for (Future<Integer> worker : workers) {
                runs += worker.get();
            }
            return runs * (double) STEPS / ((System.nanoTime() - t0) / 1e9);
        }
    }

    @Test
    void loop_overhead_per_step_against_langchain4j_ai_services() throws Exception {
        Assistant peer = AiServices.builder(Assistant.class)
                .chatModel(model)
                .tools(new EchoTools())
                .build();
        if (!peer.chat("go").equals("done")) {
            throw new IllegalStateException("the peer did not finish the conversation");
        }
        DiscardingStore off = new DiscardingStore();
        RunLoop offLoop = loop(off, fact -> null);

        SideBySide result = interleaved(() -> peer.chat("go"), () -> agentryRun(offLoop, off), 5_000, 2_000, ROUNDS);

        Path data = Files.createDirectories(Path.of("target", "bench-data"));
        Path policyFolder = Files.createDirectories(data.resolve("policies-" + System.nanoTime()));
        Files.writeString(policyFolder.resolve("bench-rules.yaml"), TEN_RULES);
        RunLoop guardedLoop =
                loop(off, fact -> null, PolicyFolder.engine(policyFolder.toString(), Map.of(), List.of()));
        RunPlan guardedPlan = plan(List.of("bench-rules"));
        SideBySide guarded = interleaved(
                () -> peer.chat("go"), () -> agentryRun(guardedLoop, off, guardedPlan), 5_000, 2_000, ROUNDS);

        String url = "jdbc:h2:file:" + data.resolve("loop-" + System.nanoTime()).toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE";
        double single;
        double parallel;
        try (StoreDatabase database = StoreDatabase.open(url, null, null, 20)) {
            JdbcJournal journal = new JdbcJournal(database.dataSource(), clock);
            JdbcRunStore h2 = new JdbcRunStore(database.dataSource(), false, journal);
            RunLoop h2Loop = loop(h2, journal);
            stepsPerSecond(h2Loop, h2, 1, Duration.ofSeconds(3));
            single = stepsPerSecond(h2Loop, h2, 1, Duration.ofSeconds(5));
            parallel = stepsPerSecond(h2Loop, h2, 8, Duration.ofSeconds(5));
            journal.close();
        }

        double ratio = result.ratio();
        Bench.report(
                "Loop overhead per step (10-tool-call conversation, zero-latency in-process model)",
                List.of(
                        Bench.row("langchain4j AiServices", "%.2f µs/step".formatted(result.peer()), ""),
                        Bench.row(
                                "Agentry, store off",
                                "%.2f µs/step".formatted(result.agentry()),
                                "%.2f× AiServices, median of %d interleaved rounds (target ≤ 2×) %s"
                                        .formatted(ratio, ROUNDS, Bench.verdict(ratio <= 2.0))),
                        Bench.row(
                                "Agentry, store off, a 10-rule policy on every call",
                                "%.2f µs/step".formatted(guarded.agentry()),
                                "%.2f× AiServices (%.2f µs/step in these rounds), target ≤ 2.5× %s"
                                        .formatted(
                                                guarded.ratio(),
                                                guarded.peer(),
                                                Bench.verdict(guarded.ratio() <= 2.5))),
                        Bench.row(
                                "Agentry, H2 file store and audit journal, 1 run at a time",
                                "%,.0f committed steps/s".formatted(single),
                                "target ≥ 5,000 %s".formatted(Bench.verdict(single >= 5_000))),
                        Bench.row(
                                "Agentry, H2 file store and audit journal, 8 runs at a time",
                                "%,.0f committed steps/s".formatted(parallel),
                                "target ≥ 5,000 %s".formatted(Bench.verdict(parallel >= 5_000)))));
    }
}
