package dev.agentry.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import dev.agentry.audit.Chain;
import dev.agentry.audit.Fact;
import dev.agentry.audit.Journal;
import dev.agentry.audit.RecordType;
import dev.agentry.model.FunctionSpec;
import dev.agentry.model.ToolRequest;
import dev.agentry.policy.Decision;
import dev.agentry.tool.ToolResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * What a run records in the audit journal, in the words of runs: each method appends one fact and
 * returns once it is durable, or throws {@link Unrecorded}. Those on the path of every run (its start,
 * each model request, the model's answer, a tool's result) return a {@link Recorded} instead, handed
 * over without waiting and confirmed before the run's next tool call is sent or its row is relied on
 * (see {@link Unconfirmed}): a model call changes nothing outside, so only a tool call waits for the
 * records before it. A run's end is a {@link Fact} that the store commits with the run's row. Everything
 * passed in has already been scrubbed of secrets. Facts that Agentry itself produces while executing
 * a run (model calls, decisions, tool calls) name the system as their actor; the run's start and
 * cancellation name who asked for them.
 */
@ApplicationScoped
public class RunJournal {

    /** Who made a tool call: the model, guest code, or an operator testing a tool. */
    enum Origin {
        MODEL("model"),
        CODE("code"),
        OPERATOR("operator");

        final String id;

        Origin(String id) {
            this.id = id;
        }
    }

    private final Journal journal;

    RunJournal(Journal journal) {
        this.journal = journal;
    }

    /**
     * The run's creation, handed over without waiting: confirm it once the run's row is written.
     *
     * @param replica the replica the run is created on
     */
    Recorded started(Run run, Actor actor, String replica) {
        ObjectNode data = Chain.object();
        data.set("input", run.input());
        ObjectNode trigger = data.putObject("trigger")
                .put("type", run.trigger().type())
                .put("by", run.trigger().by());
        if (run.trigger().scheduledAt() != null) {
            trigger.put("scheduledAt", run.trigger().scheduledAt().toString())
                    .put("manual", run.trigger().manual());
        }
        data.put("replica", replica);
        return later(new Fact(RecordType.RUN_STARTED, run.id(), run.agent(), actor, data));
    }

    /** A stopping replica gave up the run for another to resume. */
    void released(String runId, String agent, String owner) {
        append(
                RecordType.RUN_RELEASED,
                runId,
                agent,
                Actor.SYSTEM,
                Chain.object().put("owner", owner).put("reason", "graceful stop"));
    }

    void resumed(String runId, String agent, String owner) {
        append(
                RecordType.RUN_RESUMED,
                runId,
                agent,
                Actor.SYSTEM,
                Chain.object().put("owner", owner));
    }

    void cancelled(String runId, String agent, Actor actor) {
        append(RecordType.RUN_CANCELLED, runId, agent, actor, Chain.object());
    }

    /** The run's end, recorded by the store in the commit that ends the run (see {@link RunStore#finish}). */
    Fact ended(String runId, String agent, RunOutcome outcome, Usage usage) {
        ObjectNode data = Chain.object().put("status", outcome.status().id());
        data.put("output", outcome.outputOrNull()).put("error", outcome.errorOrNull());
        data.putObject("usage")
                .put("modelCalls", usage.modelCalls())
                .put("toolCalls", usage.toolCalls())
                .put("inputTokens", usage.inputTokens())
                .put("outputTokens", usage.outputTokens())
                .put("costUsd", usage.costUsd());
        return new Fact(RecordType.RUN_ENDED, runId, agent, Actor.SYSTEM, data);
    }

    /** The request about to be sent to the model, handed over without waiting. */
    Recorded modelRequest(RunState state, int step) {
        ObjectNode data = Chain.object().put("step", step);
        data.put("model", state.plan().agent().model().name());
        data.put("messages", state.history().size() + 1);
        data.set("tools", offered(state.plan().functions()));
        return later(new Fact(
                RecordType.MODEL_REQUEST, state.runId(), state.plan().agent().name(), Actor.SYSTEM, data));
    }

    /** The functions a plan offers and their names as records list them, made once and never changed. */
    private record Offered(List<FunctionSpec> functions, ArrayNode names) {}

    /**
     * The last list of offered functions named: a run asks the model with the same list at every step,
     * so its names are built once, not per request. Records only read them, so one array serves many.
     */
    private volatile Offered lastOffered = new Offered(List.of(), Chain.object().arrayNode());

    private ArrayNode offered(List<FunctionSpec> functions) {
        Offered last = lastOffered;
        if (last.functions() != functions) {
            ArrayNode names = Chain.object().arrayNode(functions.size());
            for (FunctionSpec function : functions) {
                names.add(function.name());
            }
            last = new Offered(functions, names);
            lastOffered = last;
        }
        return last.names();
    }

    /** The model's answer, handed over without waiting, before its step. */
    Recorded modelResponse(RunState state, Step.ModelStep step) {
        ObjectNode data = Chain.object().put("step", step.index()).put("durationMs", step.durationMs());
        data.put("text", step.text());
        ArrayNode calls = data.putArray("toolCalls");
        for (ToolRequest request : step.toolRequests()) {
            calls.addObject()
                    .put("id", request.id())
                    .put("name", request.name())
                    .put("arguments", request.arguments());
        }
        data.putObject("usage")
                .put("input", step.usage().input())
                .put("output", step.usage().output());
        return later(new Fact(
                RecordType.MODEL_RESPONSE, state.runId(), state.plan().agent().name(), Actor.SYSTEM, data));
    }

    /** The run waits for people's decisions, holding no lease; {@code approvals} are their ids. */
    void parked(String runId, String agent, List<String> approvals) {
        ObjectNode data = Chain.object();
        ArrayNode ids = data.putArray("approvals");
        approvals.forEach(ids::add);
        append(RecordType.RUN_PARKED, runId, agent, Actor.SYSTEM, data);
    }

    /** A call that a policy sent to a person: the decision that asked, and the call as requested. */
    void approvalRequested(Approval approval) {
        ObjectNode data = approval(approval);
        data.set("arguments", approval.arguments());
        append(RecordType.APPROVAL_REQUESTED, approval.runId(), approval.agent(), Actor.SYSTEM, data);
    }

    /** A person's decision (or the clock's, for an expiry), naming who decided. */
    void approvalDecided(Approval approval, Actor actor) {
        ObjectNode data = approval(approval).put("comment", approval.comment());
        append(RecordType.APPROVAL_DECIDED, approval.runId(), approval.agent(), actor, data);
    }

    private static ObjectNode approval(Approval approval) {
        return Chain.object()
                .put("approval", approval.id())
                .put("callId", approval.callId())
                .put("tool", approval.tool())
                .put("status", approval.status().id())
                .put("policy", approval.policy())
                .put("rule", approval.rule())
                .put("reason", approval.reason());
    }

    /** Where a tool call happens: the run, its agent, the step, the call and who made it. */
    record Call(String runId, String agent, int step, String callId, String tool, Origin origin, Actor actor) {}

    /** A decision that refuses the call (deny, or an approval that cannot be asked for): the only record of it. */
    void refused(Call call, Decision decision) {
        ObjectNode data = decided(call(call), decision);
        journal(() ->
                journal.append(new Fact(RecordType.POLICY_DECISION, call.runId(), call.agent(), call.actor(), data)));
    }

    /**
     * A decision that allows the call and the call's intent, durable together before the call is sent:
     * one append instead of two on the path of every tool call.
     */
    void allowed(Call call, JsonNode arguments, Decision.Allow allow) {
        ObjectNode decision = decided(call(call), allow);
        ObjectNode intent = call(call);
        intent.set("arguments", arguments);
        RecordType type = call.origin() == Origin.CODE ? RecordType.CODE_TOOL_CALL : RecordType.TOOL_INTENT;
        journal(() -> journal.appendAll(List.of(
                new Fact(RecordType.POLICY_DECISION, call.runId(), call.agent(), call.actor(), decision),
                new Fact(type, call.runId(), call.agent(), call.actor(), intent))));
    }

    /**
     * The result of a call the model asked for is handed over without waiting, before its step; the
     * result of a call from code or an operator is durable when this returns, since no step of its own
     * follows it.
     */
    Recorded result(Call call, ToolResult result, long durationMs) {
        ObjectNode data = call(call).put("status", result.status()).put("durationMs", durationMs);
        data.set("result", Step.ToolStep.json(result));
        RecordType type = call.origin() == Origin.CODE ? RecordType.CODE_TOOL_RESULT : RecordType.TOOL_RESULT;
        Fact fact = new Fact(type, call.runId(), call.agent(), call.actor(), data);
        if (call.origin() == Origin.MODEL) {
            return later(fact);
        }
        journal(() -> journal.append(fact));
        return Recorded.DURABLE;
    }

    private static ObjectNode decided(ObjectNode data, Decision decision) {
        return data.put("effect", decision.effect())
                .put("policy", decision.policy())
                .put("rule", decision.rule())
                .put("reason", decision.reason());
    }

    private static ObjectNode call(Call call) {
        return Chain.object()
                .put("step", call.step())
                .put("callId", call.callId())
                .put("tool", call.tool())
                .put("origin", call.origin().id);
    }

    private Recorded later(Fact fact) {
        Journal.Later later;
        try {
            later = journal.appendLater(fact);
        } catch (AgentryException.Unavailable e) {
            throw new Unrecorded(e.getMessage());
        }
        return new Recorded(later);
    }

    /**
     * A fact handed to the journal without waiting: the journal commits in order, so once anything
     * handed over after it is durable, {@link #confirm} answers at once.
     */
    static final class Recorded {

        static final Recorded DURABLE = new Recorded(null);

        private final Journal.Later later;

        private Recorded(Journal.Later later) {
            this.later = later;
        }

        /** Returns once the fact is durable; throws {@link Unrecorded} when it could not be written. */
        void confirm() {
            if (later != null) {
                journal(later::record);
            }
        }
    }

    private void append(RecordType type, String runId, String agent, Actor actor, JsonNode data) {
        journal(() -> journal.append(new Fact(type, runId, agent, actor, data)));
    }

    private static void journal(Runnable append) {
        try {
            append.run();
        } catch (AgentryException.Unavailable e) {
            throw new Unrecorded(e.getMessage());
        }
    }

    /**
     * A fact could not be recorded, so what it announces must not happen: the run stops, and a call
     * from code is refused. Distinct from a model's or a tool's own unavailability, which the run
     * reports and survives.
     */
    static final class Unrecorded extends RuntimeException {
        Unrecorded(String message) {
            super(message, null, false, false);
        }
    }
}
