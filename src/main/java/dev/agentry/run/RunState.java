package dev.agentry.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.model.Message;
import dev.agentry.model.ToolRequest;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A run's working memory, owned by its loop thread: the conversation so far, what it has used, and
 * which tool requests of the latest model step still await an answer. It is rebuilt from committed
 * steps on resume, so it holds nothing the store does not.
 */
final class RunState {

    private final String runId;
    private final RunPlan plan;
    private final Instant deadline;
    private final RunLedger ledger;
    private final List<Message> history = new ArrayList<>();
    /** Answers to the latest model step's requests not yet in the conversation, by request id. */
    private final Map<String, Step.ToolStep> answered = new HashMap<>();
    /** Every request of the latest model step that has an answer, in the conversation or not. */
    private final Set<String> answeredIds = new HashSet<>();

    private final List<Step> steps = new ArrayList<>();
    private Step.ModelStep latestModelStep;
    /** Whether the latest model step's answer was sent back for not matching the output schema. */
    private boolean answerRejected;

    private int rejectedAnswers;
    private int modelSteps;
    private int lastIndex;
    private Usage usage = Usage.ZERO;
    private Earlier earlier = Earlier.NONE;

    private RunState(String runId, RunPlan plan, Instant deadline, JsonNode input, RunLedger ledger) {
        this.runId = requireNonNull(runId, "runId");
        this.plan = requireNonNull(plan, "plan");
        this.deadline = requireNonNull(deadline, "deadline");
        this.ledger = requireNonNull(ledger, "ledger");
        history.add(new Message.User(inputText(input)));
    }

    /** The state of an API-triggered run after {@code steps}, in index order, have been committed. */
    static RunState of(String runId, RunPlan plan, Instant deadline, JsonNode input, List<Step> steps) {
        Instant started = deadline.minus(plan.agent().limits().timeout());
        return of(runId, plan, deadline, input, steps, "api", started);
    }

    /**
     * The state after {@code steps}, in index order, have been committed.
     *
     * @param trigger the run's trigger type, as policy rules see it
     * @param startedAt when the run started, for the time policy rules see elapsed
     */
    static RunState of(
            String runId,
            RunPlan plan,
            Instant deadline,
            JsonNode input,
            List<Step> steps,
            String trigger,
            Instant startedAt) {
        List<String> tools = plan.toolsByFunction().values().stream()
                .map(tool -> tool.spec().id())
                .toList();
        RunState state = new RunState(runId, plan, deadline, input, new RunLedger(runId, trigger, startedAt, tools));
        steps.forEach(state::replay);
        state.appendAnsweredOutputs();
        return state;
    }

    private void replay(Step step) {
        switch (step) {
            case Step.ModelStep model -> {
                appendAnsweredOutputs();
                if (latestModelStep != null && latestModelStep.toolRequests().isEmpty()) {
                    // An answer followed by another model call was sent back: say so again, as it was said.
                    rejectAnswer(OutputCheck.feedback(OutputCheck.problems(plan, latestModelStep.text())));
                }
                addModelStep(model);
            }
            case Step.ToolStep tool -> {
                if (tool.decision() != null) {
                    ledger.decided(
                            tool.tool(),
                            RunLedger.key(tool.tool(), tool.arguments()),
                            "model",
                            tool.decision().effect());
                }
                addToolStep(tool);
            }
        }
    }

    void addModelStep(Step.ModelStep step) {
        steps.add(step);
        latestModelStep = step;
        answerRejected = false;
        answered.clear();
        answeredIds.clear();
        modelSteps++;
        lastIndex = step.index();
        usage = usage.plusModelCall(step.usage());
        ledger.stepCommitted(step.usage().input() + step.usage().output(), false);
        history.add(new Message.Assistant(step.text(), step.toolRequests()));
    }

    /** Records a tool step; its answer joins the conversation once the whole batch is in, in request order. */
    void addToolStep(Step.ToolStep step) {
        steps.add(step);
        answered.put(step.requestId(), step);
        answeredIds.add(step.requestId());
        lastIndex = Math.max(lastIndex, step.index());
        usage = usage.plusToolCall();
        ledger.stepCommitted(0, true);
    }

    /** Adds the answers of the latest model step's requests to the conversation, in the order asked. */
    void appendAnsweredOutputs() {
        if (latestModelStep == null) {
            return;
        }
        for (ToolRequest request : latestModelStep.toolRequests()) {
            Step.ToolStep step = answered.remove(request.id());
            if (step != null) {
                history.add(new Message.ToolOutput(
                        request.id(), request.name(), step.forModel().modelText()));
            }
        }
    }

    /** Requests of the latest model step with no committed answer, in the order asked. */
    List<ToolRequest> pendingToolRequests() {
        if (latestModelStep == null
                || answeredIds.size() == latestModelStep.toolRequests().size()) {
            return List.of();
        }
        List<ToolRequest> pending = new ArrayList<>();
        for (ToolRequest request : latestModelStep.toolRequests()) {
            if (!answeredIds.contains(request.id())) {
                pending.add(request);
            }
        }
        return pending;
    }

    /**
     * Sends the latest answer back to the model with what is wrong with it: the conversation gains the
     * feedback, and the answer no longer counts as final.
     */
    void rejectAnswer(String feedback) {
        history.add(new Message.User(feedback));
        answerRejected = true;
        rejectedAnswers++;
    }

    /** How many answers were sent back for not matching the output schema. */
    int rejectedAnswers() {
        return rejectedAnswers;
    }

    /** The final answer, when the latest model step asked for no tools and was not sent back. */
    Optional<String> finalAnswer() {
        if (latestModelStep != null && latestModelStep.toolRequests().isEmpty() && !answerRejected) {
            return Optional.of(latestModelStep.text());
        }
        return Optional.empty();
    }

    int nextIndex() {
        return lastIndex + 1;
    }

    /**
     * The index of the step that answers a request of the latest model step: the model step's index
     * plus the request's position, the same in every attempt, whichever requests were answered before a
     * resume. Idempotency keys and the journal's records of earlier attempts are keyed by it.
     */
    int indexOf(ToolRequest request) {
        List<ToolRequest> requests = latestModelStep.toolRequests();
        for (int position = 0; position < requests.size(); position++) {
            if (requests.get(position) == request) {
                return latestModelStep.index() + 1 + position;
            }
        }
        throw new IllegalArgumentException("not a request of the latest model step: " + request.id());
    }

    /** What earlier attempts at this run did with the latest model step's calls; none for a new run. */
    Earlier earlier() {
        return earlier;
    }

    /** This state is a resumed run's, after {@code earlier}. */
    void resumedAfter(Earlier earlier) {
        this.earlier = requireNonNull(earlier, "earlier");
    }

    String runId() {
        return runId;
    }

    RunPlan plan() {
        return plan;
    }

    Instant deadline() {
        return deadline;
    }

    /** What policy rules read about the run; safe to use from the run's tool calls. */
    RunLedger ledger() {
        return ledger;
    }

    /** Where this run's spans go: under its execution's span, or nowhere when tracing is off. */
    private Context trace = Context.root();

    /** What this run handed to the store and the journal and has not yet confirmed. */
    private final Unconfirmed unconfirmed = new Unconfirmed();

    Unconfirmed unconfirmed() {
        return unconfirmed;
    }

    void traceUnder(Context context) {
        trace = context;
    }

    Context trace() {
        return trace;
    }

    /** The conversation so far, as a read-only view; model requests take their own copy. */
    List<Message> history() {
        return java.util.Collections.unmodifiableList(history);
    }

    /** Every committed step, in index order. */
    List<Step> steps() {
        return steps.stream()
                .sorted(java.util.Comparator.comparingInt(Step::index))
                .toList();
    }

    int modelSteps() {
        return modelSteps;
    }

    Usage usage() {
        return usage;
    }

    private static String inputText(JsonNode input) {
        if (input == null || input.isNull() || input.isMissingNode()) {
            return "(no input)";
        }
        return input.isTextual() ? input.asText() : input.toString();
    }
}
