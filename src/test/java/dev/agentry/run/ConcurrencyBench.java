package dev.agentry.run;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.agent.Limits;
import dev.agentry.asset.Redactor;
import dev.agentry.audit.jdbc.JdbcJournal;
import dev.agentry.fixtures.Bench;
import dev.agentry.model.ModelSettings;
import dev.agentry.model.Provider;
import dev.agentry.model.langchain4j.ChatModelClient;
import dev.agentry.policy.AllowAllPolicyEngine;
import dev.agentry.run.jdbc.JdbcRunStore;
import dev.agentry.store.StoreDatabase;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 1,000 runs at once, each five tool steps and a final answer, against a model that answers every
 * call after 200 ms: the ideal is 6 × 200 ms = 1.2 s. Every run commits its steps to the H2 file
 * store. Heap per in-flight run is measured in a second pass, with all runs parked in model calls.
 */
@Tag("bench")
class ConcurrencyBench {

    private static final int RUNS = 1_000;
    private static final int TOOL_STEPS = 5;
    private static final Duration LATENCY = Duration.ofMillis(200);

    /** Five echo calls, then an answer; every reply after 200 ms. */
    static final class SlowChatModel implements ChatModel {
        final AtomicInteger inFlight = new AtomicInteger();
        volatile CountDownLatch allParked = new CountDownLatch(0);

        @Override
        public ChatResponse doChat(ChatRequest request) {
            int turn = 0;
            for (ChatMessage message : request.messages()) {
                if (message instanceof AiMessage) {
                    turn++;
                }
            }
            inFlight.incrementAndGet();
            allParked.countDown();
            try {
                Thread.sleep(LATENCY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException("interrupted");
            } finally {
                inFlight.decrementAndGet();
            }
            AiMessage reply = turn < TOOL_STEPS
                    ? AiMessage.from(List.of(ToolExecutionRequest.builder()
                            .id("call_" + turn)
                            .name("echo_say")
                            .arguments("{\"text\":\"step " + turn + "\"}")
                            .build()))
                    : AiMessage.from("done");
            return ChatResponse.builder()
                    .aiMessage(reply)
                    .tokenUsage(new TokenUsage(100, 10))
                    .build();
        }
    }

    private final Clock clock = Clock.systemUTC();
    private final Redactor redactor = new Redactor();

    private RunPlan plan(ChatModel model) {
        return RunPlan.of(
                new AgentDefinition(
                        "bench",
                        "",
                        new ModelSettings(Provider.OPENAI, "m", null, null, null, null, null),
                        "Echo five times.",
                        List.of(),
                        List.of(),
                        Limits.DEFAULT,
                        null,
                        null),
                new ChatModelClient(model, "slow"),
                List.of(new LoopBench.EchoTool()));
    }

    private void oneRun(RunLoop loop, RunStore store, RunPlan plan) {
        Instant now = clock.instant();
        String id = RunIds.next(now);
        Run run = Run.queued(id, "bench", JsonNodeFactory.instance.textNode("go"), Trigger.api("bench"), now);
        store.create(run, "bench", now.plusSeconds(60));
        store.start(id, "bench", now, now.plusSeconds(60));
        RunState state = RunState.of(id, plan, now.plusSeconds(60), run.input(), List.of());
        RunOutcome outcome = loop.run(new RunLoop.Execution(state, new RunControl(), "bench", Duration.ofSeconds(60)));
        if (!(outcome instanceof RunOutcome.Succeeded)) {
            throw new IllegalStateException("bench run did not succeed: " + outcome);
        }
        store.finish(id, outcome, state.usage(), clock.instant());
    }

    /** Starts {@code RUNS} runs at once and returns their threads. */
    private List<Thread> launch(RunLoop loop, RunStore store, RunPlan plan) {
        List<Thread> threads = new ArrayList<>(RUNS);
        for (int i = 0; i < RUNS; i++) {
            threads.add(Thread.ofVirtual().start(() -> oneRun(loop, store, plan)));
        }
        return threads;
    }

    @Test
    void a_thousand_concurrent_runs_against_a_200ms_model() throws Exception {
        Path data = Files.createDirectories(Path.of("target", "bench-data"));
        String url = "jdbc:h2:file:"
                + data.resolve("concurrency-" + System.nanoTime()).toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (StoreDatabase database = StoreDatabase.open(url, null, null, 20)) {
            // As the service has them: the journal on, and the run store committing with it.
            JdbcJournal journal = new JdbcJournal(database.dataSource(), clock);
            JdbcRunStore store = new JdbcRunStore(database.dataSource(), false, journal);
            RunLoop loop = new RunLoop(
                    store,
                    new RunEvents(),
                    new ToolGate(new AllowAllPolicyEngine(), redactor, new RunJournal(journal), clock),
                    new RunJournal(journal),
                    redactor,
                    clock);
            SlowChatModel model = new SlowChatModel();
            RunPlan plan = plan(model);

            for (int warm = 0; warm < 2; warm++) {
                for (Thread thread : launch(loop, store, plan)) {
                    thread.join();
                }
            }
            double[] passes = new double[5];
            for (int pass = 0; pass < passes.length; pass++) {
                long t0 = System.nanoTime();
                for (Thread thread : launch(loop, store, plan)) {
                    thread.join();
                }
                passes[pass] = (System.nanoTime() - t0) / 1e9;
            }
            java.util.Arrays.sort(passes);
            double seconds = passes[passes.length / 2];

            System.gc();
            long before = memory.getHeapMemoryUsage().getUsed();
            model.allParked = new CountDownLatch(RUNS);
            List<Thread> threads = launch(loop, store, plan);
            model.allParked.await();
            Thread.sleep(50);
            System.gc();
            long during = memory.getHeapMemoryUsage().getUsed();
            int parked = model.inFlight.get();
            for (Thread thread : threads) {
                thread.join();
            }
            double kibPerRun = (during - before) / 1024.0 / RUNS;

            double ideal = (TOOL_STEPS + 1) * LATENCY.toMillis() / 1000.0;
            Bench.report(
                    "1,000 concurrent runs of 5 tool steps, model answers after 200 ms, H2 file store and audit journal",
                    List.of(
                            Bench.row(
                                    "wall time for all 1,000 runs (median of 5)",
                                    "%.2f s".formatted(seconds),
                                    "%.2f× the ideal %.1f s (target ≤ 1.3×) %s"
                                            .formatted(seconds / ideal, ideal, Bench.verdict(seconds / ideal <= 1.3))),
                            Bench.row(
                                    "heap per in-flight run",
                                    "%.1f KiB".formatted(kibPerRun),
                                    "measured with %d runs parked in model calls (target < 100 KiB) %s"
                                            .formatted(parked, Bench.verdict(kibPerRun < 100)))));
            journal.close();
        }
    }
}
