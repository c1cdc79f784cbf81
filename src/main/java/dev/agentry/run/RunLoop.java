package dev.agentry.run;

import dev.agentry.AgentryException;
import dev.agentry.agent.Limits;
import dev.agentry.asset.DurationText;
import dev.agentry.asset.Redactor;
import dev.agentry.model.ModelReply;
import dev.agentry.model.ModelRequest;
import dev.agentry.model.Price;
import dev.agentry.model.ToolRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The plan-act loop. Each turn either answers the tool requests still pending, or asks the model
 * for the next move. A step and its records are handed to the store as it ends, without waiting, and
 * are confirmed durable before the next tool call is sent and before the run ends, parks or is handed
 * over ({@link Unconfirmed}); a run resumed elsewhere continues where this one stopped and never
 * repeats a call whose result it recorded.
 */
@ApplicationScoped
public class RunLoop {

    private final RunStore store;
    private final RunEvents events;
    private final ToolGate gate;
    private final RunJournal journal;
    private final Redactor redactor;
    private final Clock clock;
    private final RunTracing tracing;

    /** A loop that makes no spans: for tests and benchmarks that build it themselves. */
    RunLoop(RunStore store, RunEvents events, ToolGate gate, RunJournal journal, Redactor redactor, Clock clock) {
        this(store, events, gate, journal, redactor, clock, RunTracing.OFF);
    }

    @Inject
    RunLoop(
            RunStore store,
            RunEvents events,
            ToolGate gate,
            RunJournal journal,
            Redactor redactor,
            Clock clock,
            RunTracing tracing) {
        this.store = store;
        this.events = events;
        this.gate = gate;
        this.journal = journal;
        this.redactor = redactor;
        this.clock = clock;
        this.tracing = tracing;
    }

    /** A run this replica executes: its state, how to stop it, and the lease it holds. */
    record Execution(RunState state, RunControl control, String owner, Duration lease) {}

    /** The replica is stopping: the run's committed steps are all there is, and another replica goes on. */
    static final class HandedOver extends RuntimeException {
        HandedOver(String runId) {
            super("run " + runId + " is handed over to another replica", null, false, false);
        }
    }

    /** Thrown when a commit finds the run is no longer this replica's to execute. */
    static final class LeaseLost extends RuntimeException {
        LeaseLost(String runId) {
            super("run " + runId + " was cancelled or taken over by another replica", null, false, false);
        }
    }

    RunOutcome run(Execution execution) {
        RunState state = execution.state();
        if (!tracing.on()) {
            return turns(execution);
        }
        Span span = tracing.run(state.runId(), state.plan());
        state.traceUnder(Context.root().with(span));
        RunOutcome outcome = null;
        try {
            outcome = turns(execution);
            return outcome;
        } finally {
            tracing.ended(span, outcome != null ? outcome : new RunOutcome.Failed("the run's thread ended abruptly"));
        }
    }

    private RunOutcome turns(Execution execution) {
        RunState state = execution.state();
        while (true) {
            Instant now = clock.instant();
            Optional<RunOutcome> outcome;
            try {
                outcome = checkpoint(execution, now);
                if (outcome.isEmpty()) {
                    outcome = state.pendingToolRequests().isEmpty() ? plan(execution, now) : act(execution);
                }
            } catch (RunJournal.Unrecorded journalDown) {
                // Intent before effect: nothing whose record could not be written was done.
                outcome = Optional.of(unaudited(journalDown));
            }
            if (outcome.isPresent()) {
                return confirmed(state, outcome.get());
            }
        }
    }

    /** The run's outcome once every step and record it handed over is durable. */
    private static RunOutcome confirmed(RunState state, RunOutcome outcome) {
        try {
            state.unconfirmed().confirm();
            return outcome;
        } catch (RunJournal.Unrecorded journalDown) {
            return unaudited(journalDown);
        }
    }

    private static RunOutcome unaudited(RunJournal.Unrecorded journalDown) {
        return new RunOutcome.Failed(
                "stopped unaudited: " + journalDown.getMessage() + "; no call whose record failed was sent");
    }

    /** Stops the run when asked to, before it does anything more; {@code now} is the time of the check. */
    private Optional<RunOutcome> checkpoint(Execution execution, Instant now) {
        RunControl.Stop stop = execution.control().stop();
        if (stop == RunControl.Stop.HANDED_OVER) {
            // The steps in flight commit before the run is released, so the next replica sees them.
            execution.state().unconfirmed().confirm();
            throw new HandedOver(execution.state().runId());
        }
        if (stop == RunControl.Stop.CANCELLED) {
            return Optional.of(new RunOutcome.Cancelled("cancelled by request"));
        }
        if (stop == RunControl.Stop.TIMED_OUT || !now.isBefore(execution.state().deadline())) {
            Duration timeout = execution.state().plan().agent().limits().timeout();
            return Optional.of(
                    failed(execution.state(), "timeout", "the run took longer than " + DurationText.format(timeout)));
        }
        return Optional.empty();
    }

    /** Asks the model what to do next, or returns the final answer it already gave; {@code now} is when. */
    private Optional<RunOutcome> plan(Execution execution, Instant now) {
        RunState state = execution.state();
        Optional<String> answer = state.finalAnswer();
        if (answer.isPresent()) {
            return answered(state, answer.get());
        }
        Optional<RunOutcome> limit = beforeModelCall(state);
        if (limit.isPresent()) {
            return limit;
        }
        Step.ModelStep step;
        try {
            step = callModel(execution, now);
        } catch (AgentryException e) {
            return Optional.of(new RunOutcome.Failed("model call failed: " + redactor.scrub(e.getMessage())));
        } catch (InterruptedException | CancellationException e) {
            return checkpoint(execution, clock.instant())
                    .or(() -> Optional.of(new RunOutcome.Failed("model call was interrupted")));
        }
        Step.ModelStep stored = scrubbed(step);
        commitLater(execution, stored, journal.modelResponse(state, stored));
        state.addModelStep(step);
        if (step.toolRequests().isEmpty()) {
            return answered(state, step.text());
        }
        return tokens(state);
    }

    private Step.ModelStep callModel(Execution execution, Instant started) throws InterruptedException {
        RunState state = execution.state();
        ModelRequest request = new ModelRequest(
                instructions(state.plan()), state.history(), state.plan().functions());
        int index = state.nextIndex();
        state.unconfirmed().add(journal.modelRequest(state, index)::confirm);
        long t0 = System.nanoTime();
        Span span = tracing.chat(state.trace(), state.plan());
        ModelReply reply;
        try {
            reply = interruptibly(execution, () -> state.plan().model().chat(request));
        } catch (InterruptedException | RuntimeException e) {
            tracing.failed(span, e);
            throw e;
        }
        tracing.answered(span, reply.usage());
        long durationMs = (System.nanoTime() - t0) / 1_000_000;
        return new Step.ModelStep(
                index, started, durationMs, redactor.scrub(reply.text()), reply.toolRequests(), reply.usage());
    }

    /**
     * The step as it is stored and shown: secrets scrubbed from the calls' arguments too. The calls
     * themselves run with the arguments the model wrote: a secret's value may also be ordinary text in
     * them (code that calls {@code re.test(s)} with a key that contains {@code test}), and masking it
     * would change what runs. A run resumed from the store runs the stored, scrubbed arguments.
     */
    private Step.ModelStep scrubbed(Step.ModelStep step) {
        if (redactor.isEmpty() || step.toolRequests().isEmpty()) {
            return step;
        }
        List<ToolRequest> requests = step.toolRequests().stream()
                .map(r -> new ToolRequest(r.id(), r.name(), redactor.scrub(r.arguments())))
                .toList();
        return new Step.ModelStep(
                step.index(), step.startedAt(), step.durationMs(), step.text(), requests, step.usage());
    }

    /** The agent's instructions, and the schema its answer must match when it has one. */
    private static String instructions(RunPlan plan) {
        String instructions = plan.agent().instructions();
        if (plan.outputSchema() == null) {
            return instructions;
        }
        return instructions + "\n\nYour final answer must be only JSON that matches this JSON Schema:\n"
                + plan.outputSchema().json();
    }

    /** Executes the pending tool requests, concurrently when there are several, committing each as it ends. */
    private Optional<RunOutcome> act(Execution execution) {
        RunState state = execution.state();
        List<ToolRequest> pending = state.pendingToolRequests();
        Limits limits = state.plan().agent().limits();
        // Calls made from code count too: they reach the same tools with the same credentials.
        int made = state.usage().toolCalls() + state.ledger().codeCalls();
        if (made + pending.size() > limits.maxToolCalls()) {
            return Optional.of(failed(
                    state,
                    "max-tool-calls",
                    "the model asked for " + pending.size() + " more tool calls after " + made + ", over the limit of "
                            + limits.maxToolCalls()));
        }
        List<String> parked = new java.util.ArrayList<>();
        try {
            if (pending.size() == 1) {
                int index = state.indexOf(pending.getFirst());
                ToolGate.Called called = interruptibly(execution, () -> gate.call(state, pending.getFirst(), index));
                record(execution, called, parked);
            } else {
                callConcurrently(execution, pending, parked);
            }
        } catch (InterruptedException | CancellationException e) {
            return checkpoint(execution, clock.instant())
                    .or(() -> Optional.of(new RunOutcome.Failed("tool calls were interrupted")));
        }
        state.appendAnsweredOutputs();
        if (!parked.isEmpty()) {
            return Optional.of(new RunOutcome.AwaitingApproval(parked));
        }
        return Optional.empty();
    }

    private void callConcurrently(Execution execution, List<ToolRequest> pending, List<String> parked)
            throws InterruptedException {
        RunState state = execution.state();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            CompletionService<ToolGate.Called> calls = new ExecutorCompletionService<>(executor);
            for (int i = 0; i < pending.size(); i++) {
                ToolRequest request = pending.get(i);
                int index = state.indexOf(request);
                calls.submit(() -> gate.call(state, request, index));
            }
            for (int i = 0; i < pending.size(); i++) {
                ToolGate.Called called =
                        interruptibly(execution, () -> calls.take().get());
                record(execution, called, parked);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** Commits a finished call's step; a call that waits for a person leaves none, only its approval's id. */
    private void record(Execution execution, ToolGate.Called called, List<String> parked) {
        switch (called) {
            case ToolGate.Called.Done done -> {
                commitLater(execution, done.step(), done.result());
                execution.state().addToolStep(done.step());
            }
            case ToolGate.Called.Parked waiting -> parked.add(waiting.approval().id());
        }
    }

    /**
     * The run's answer, if it matches the agent's output schema; otherwise the answer goes back to the
     * model once with what is wrong, and a second miss fails the run with it.
     */
    private static Optional<RunOutcome> answered(RunState state, String text) {
        List<String> problems = OutputCheck.problems(state.plan(), text);
        if (problems.isEmpty()) {
            return Optional.of(new RunOutcome.Succeeded(text));
        }
        if (state.rejectedAnswers() >= 1) {
            return Optional.of(new RunOutcome.Failed("the final answer does not match the agent's output-schema"
                    + " after one retry: " + String.join("; ", problems)));
        }
        state.rejectAnswer(OutputCheck.feedback(problems));
        return Optional.empty();
    }

    private Optional<RunOutcome> beforeModelCall(RunState state) {
        Limits limits = state.plan().agent().limits();
        if (state.modelSteps() >= limits.maxSteps()) {
            return Optional.of(
                    failed(state, "max-steps", "the model still wanted tools after " + state.modelSteps() + " steps"));
        }
        return tokens(state);
    }

    private Optional<RunOutcome> tokens(RunState state) {
        Double maxCost = state.plan().agent().limits().maxCost();
        Price price = state.plan().price();
        if (maxCost != null && price != null) {
            double cost = price.cost(state.usage().inputTokens(), state.usage().outputTokens());
            if (cost >= maxCost) {
                return Optional.of(failed(
                        state,
                        "max-cost",
                        "the run cost $%.4f at %s's price, the limit is $%.4f"
                                .formatted(cost, state.plan().agent().model().name(), maxCost)));
            }
        }
        Long maxTokens = state.plan().agent().limits().maxTokens();
        if (maxTokens != null && state.usage().tokens() >= maxTokens) {
            return Optional.of(failed(
                    state,
                    "max-tokens",
                    "the run used " + state.usage().tokens() + " tokens, the limit is " + maxTokens));
        }
        return Optional.empty();
    }

    private static RunOutcome failed(RunState state, String limit, String what) {
        String agent = state.plan().agent().name();
        return new RunOutcome.Failed("limit " + limit + " reached: " + what + "; raise limits." + limit + " in agents/"
                + agent + ".yaml or narrow the task");
    }

    /**
     * Hands {@code step} to the store after its journal record, without waiting. The run's followers
     * see it as soon as it is committed (not when the run next confirms, which may be after a long
     * model call); the run stops at its confirmation if it was no longer this replica's.
     */
    private void commitLater(Execution execution, Step step, RunJournal.Recorded record) {
        String runId = execution.state().runId();
        RunStore.Pending pending = store.addStepLater(runId, execution.owner(), step);
        pending.whenWritten(() -> events.publish(new RunEvent.StepAdded(runId, step)));
        execution.state().unconfirmed().add(() -> {
            record.confirm();
            if (!pending.written()) {
                throw new LeaseLost(runId);
            }
        });
    }

    private static <T> T interruptibly(Execution execution, java.util.concurrent.Callable<T> work)
            throws InterruptedException {
        try {
            return execution.control().interruptibly(work);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
