package dev.agentry.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.access.Actor;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.asset.Redactor;
import dev.agentry.model.ToolRequest;
import dev.agentry.policy.Decision;
import dev.agentry.policy.PolicyEngine;
import dev.agentry.policy.PolicyRequest;
import dev.agentry.run.RunJournal.Origin;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolInvoker;
import dev.agentry.tool.ToolResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one way a tool gets called: the name is resolved against the agent's tools, the arguments
 * parsed and checked against the tool's schema, policy decides, and only then the tool runs. Every
 * way this can go wrong becomes a {@link ToolResult} the model reads; nothing is thrown. Results are
 * scrubbed of secrets before anyone sees them.
 */
@ApplicationScoped
public class ToolGate {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CODE_TOOLSET = "code.";
    /** How decisions about calls in doubt name their source: Agentry itself, not a policy file. */
    static final String IN_DOUBT_POLICY = "agentry";

    static final String IN_DOUBT_RULE = "in-doubt";
    /** Who calls a tool directly, in policy requests and tool contexts. */
    static final String OPERATOR = "operator";

    private final PolicyEngine policy;
    private final Redactor redactor;
    private final RunJournal journal;
    private final Clock clock;
    /** Where calls that need a person wait; null where no one can decide (embedded use). */
    private final ApprovalStore approvals;

    private final Duration approvalTimeout;
    private final RunTracing tracing;

    @Inject
    ToolGate(
            PolicyEngine policy,
            Redactor redactor,
            RunJournal journal,
            Clock clock,
            ApprovalStore approvals,
            ApprovalsConfig approvalsConfig,
            RunTracing tracing) {
        this.policy = policy;
        this.redactor = redactor;
        this.journal = journal;
        this.clock = clock;
        this.approvals = approvals;
        this.approvalTimeout = approvalsConfig.timeout();
        this.tracing = tracing;
    }

    /** A gate without approvals: a call that needs one is refused, telling the model why. */
    ToolGate(PolicyEngine policy, Redactor redactor, RunJournal journal, Clock clock) {
        this.policy = policy;
        this.redactor = redactor;
        this.journal = journal;
        this.clock = clock;
        this.approvals = null;
        this.approvalTimeout = Duration.ZERO;
        this.tracing = RunTracing.OFF;
    }

    /** What became of one requested call: a step to commit, or an approval it waits for. */
    sealed interface Called permits Called.Done, Called.Parked {
        /** {@code result}: the result's journal record, to confirm once the step is committed. */
        record Done(Step.ToolStep step, RunJournal.Recorded result) implements Called {}

        /** No step: the call waits for a person, and is tried again when the run resumes. */
        record Parked(Approval approval) implements Called {}
    }

    /** Where a call is made: the run, its plan, deadline and ledger, and the step the call belongs to. */
    private record Scope(
            String runId,
            RunPlan plan,
            Instant deadline,
            RunLedger ledger,
            int step,
            PolicyEngine.Redactions masks,
            Context trace,
            Earlier earlier,
            Unconfirmed unconfirmed) {

        /** This scope for what happens inside a call: calls from code nest under the call's span. */
        Scope within(Context context) {
            return new Scope(runId, plan, deadline, ledger, step, masks, context, earlier, unconfirmed);
        }
    }

    /**
     * A call's result and the decision that let it through or stopped it (null when none was made),
     * or the approval it waits for; {@code recorded} is the result's journal record when the call was
     * sent at the model's request (to confirm after its step), else one already durable.
     */
    private record Outcome(ToolResult result, Decision decision, Approval waiting, RunJournal.Recorded recorded) {
        Outcome(ToolResult result, Decision decision) {
            this(result, decision, null, RunJournal.Recorded.DURABLE);
        }

        Outcome(ToolResult result, Decision decision, Approval waiting) {
            this(result, decision, waiting, RunJournal.Recorded.DURABLE);
        }

        static Outcome undecided(ToolResult result) {
            return new Outcome(result, null);
        }
    }

    /** Runs one requested call: its committed-to-be step, or the approval it waits for. Thread-safe. */
    Called call(RunState state, ToolRequest request, int index) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        RunPlan plan = state.plan();
        PolicyEngine.Redactions masks = policy.redactions(plan.agent().policies());
        Optional<Tool> tool = plan.tool(request.name());
        JsonNode arguments = parse(request.arguments());
        Outcome outcome;
        if (tool.isEmpty()) {
            outcome = Outcome.undecided(unknownTool(plan, request.name()));
        } else if (arguments.isTextual() && !isJsonText(request.arguments())) {
            outcome = Outcome.undecided(
                    ToolResult.failed("the arguments for " + tool.get().spec().id()
                            + " are not valid JSON; send a JSON object that matches the tool's parameters"));
        } else {
            Scope scope = new Scope(
                    state.runId(),
                    plan,
                    state.deadline(),
                    state.ledger(),
                    index,
                    masks,
                    state.trace(),
                    state.earlier(),
                    state.unconfirmed());
            outcome = checkedCall(scope, tool.get(), request.id(), arguments, Origin.MODEL, started);
        }
        if (outcome.waiting() != null) {
            return new Called.Parked(outcome.waiting());
        }
        long durationMs = (System.nanoTime() - t0) / 1_000_000;
        String name = tool.map(t -> t.spec().id()).orElse(request.name());
        return new Called.Done(
                new Step.ToolStep(
                        index,
                        started,
                        durationMs,
                        request.id(),
                        name,
                        forStore(masks, arguments),
                        forStore(masks, outcome.result()),
                        outcome.decision(),
                        masks.isEmpty() ? null : forModel(masks, outcome.result())),
                outcome.recorded());
    }

    /**
     * An operator's direct call of one tool, outside any agent ({@code POST /v1/tools/.../test}):
     * the same schema check, policy (as agent {@code operator}, bound by no agent's policies), journal
     * and scrubbing, recorded as the only step of a run of its own.
     */
    public Step.ToolStep direct(
            String runId, Tool tool, String callId, JsonNode arguments, Instant deadline, Actor operator) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        String id = tool.spec().id();
        PolicyEngine.Redactions masks = policy.redactions(List.of());
        RunJournal.Call call = new RunJournal.Call(runId, id, 1, callId, id, Origin.OPERATOR, operator);
        Outcome outcome = invalid(tool, arguments).map(Outcome::undecided).orElseGet(() -> {
            Decision decision = policy.decide(new PolicyRequest(
                    OPERATOR,
                    List.of(),
                    id,
                    tool.spec().toolset(),
                    arguments,
                    annotations(tool),
                    OPERATOR,
                    new PolicyRequest.RunFacts(runId, "tool-test", 0, 0, Map.of(id, 0), List.of(), 0, 0),
                    started));
            return switch (decision) {
                case Decision.Allow allow ->
                    recorded(
                            call,
                            arguments,
                            allow,
                            masks,
                            new Unconfirmed(),
                            () -> safely(
                                    tool,
                                    new ToolCall(callId, id, arguments),
                                    new ToolContext(runId, OPERATOR, 1, deadline, "default", ToolInvoker.none())));
                case Decision.Deny deny -> new Outcome(refused(call, deny, deny.reason()), deny);
                case Decision.RequireApproval approval ->
                    new Outcome(refused(call, approval, cannotWait(approval, "a direct tool test")), approval);
            };
        });
        long durationMs = (System.nanoTime() - t0) / 1_000_000;
        return new Step.ToolStep(
                1,
                started,
                durationMs,
                callId,
                id,
                forStore(masks, arguments),
                forStore(masks, outcome.result()),
                outcome.decision());
    }

    /**
     * Makes an allowed call whose decision and intent are in the journal first, with everything the run
     * handed over before them ({@code handedOver}), and records its result after (a model's call: handed
     * over before its step, see {@link RunJournal#result}). When they cannot be recorded the call is not
     * made: the journal's exception leaves instead.
     */
    private Outcome recorded(
            RunJournal.Call call,
            JsonNode arguments,
            Decision.Allow allow,
            PolicyEngine.Redactions masks,
            Unconfirmed handedOver,
            java.util.function.Supplier<ToolResult> send) {
        journal.allowed(call, forStore(masks, arguments), allow);
        // Committed in order with the intent, so this waits for nothing; it throws if one failed.
        handedOver.confirm();
        long t0 = System.nanoTime();
        ToolResult result = send.get();
        RunJournal.Recorded recorded =
                journal.result(call, forStore(masks, result), (System.nanoTime() - t0) / 1_000_000);
        return new Outcome(result, allow, null, recorded);
    }

    /** Why {@code arguments} cannot be sent to {@code tool}, if they cannot. */
    private static Optional<ToolResult> invalid(Tool tool, JsonNode arguments) {
        String id = tool.spec().id();
        if (!arguments.isObject()) {
            return Optional.of(ToolResult.failed("the arguments for " + id + " must be a JSON object, got "
                    + arguments.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        List<String> problems = tool.spec().parameters().problems(arguments);
        if (!problems.isEmpty()) {
            return Optional.of(ToolResult.failed("the arguments do not match the parameters of " + id + ": "
                    + String.join("; ", problems) + ". Fix them and call again."));
        }
        return Optional.empty();
    }

    /** {@code now}: when the call was asked for, the time its policies see. */
    private Outcome checkedCall(Scope scope, Tool tool, String callId, JsonNode arguments, Origin origin, Instant now) {
        if (!tracing.on()) {
            return decidedCall(scope, tool, callId, arguments, origin, now);
        }
        Span span = tracing.tool(scope.trace(), tool.spec().id(), callId, origin.id);
        Outcome outcome = null;
        try {
            outcome = decidedCall(scope.within(scope.trace().with(span)), tool, callId, arguments, origin, now);
            return outcome;
        } finally {
            tracing.called(
                    span,
                    outcome == null || outcome.decision() == null
                            ? null
                            : outcome.decision().effect(),
                    outcome == null ? ToolResult.failed("the call ended abruptly") : outcome.result());
        }
    }

    private Outcome decidedCall(Scope scope, Tool tool, String callId, JsonNode arguments, Origin origin, Instant now) {
        String id = tool.spec().id();
        Optional<ToolResult> invalid = invalid(tool, arguments);
        if (invalid.isPresent()) {
            return Outcome.undecided(invalid.get());
        }
        AgentDefinition agent = scope.plan().agent();
        RunJournal.Call call =
                new RunJournal.Call(scope.runId(), agent.name(), scope.step(), callId, id, origin, Actor.SYSTEM);
        Decision decision;
        Approval waiting = null;
        // One decision at a time per run: concurrent calls of one reply, and calls from code, each see
        // the ones decided before them, so a cap such as run.calls[tool] >= 5 holds exactly.
        synchronized (scope.ledger()) {
            int maxCalls = agent.limits().maxToolCalls();
            decision = origin == Origin.CODE && scope.ledger().callsMade() >= maxCalls
                    ? new Decision.Deny(
                            null,
                            "limits.max-tool-calls",
                            "refused: the run has made " + scope.ledger().callsMade() + " tool calls, calls from"
                                    + " code included, which is its limits.max-tool-calls")
                    : policy.decide(new PolicyRequest(
                            agent.name(),
                            agent.policies(),
                            id,
                            tool.spec().toolset(),
                            arguments,
                            annotations(tool),
                            origin.id,
                            scope.ledger().facts(now),
                            now));
            if (decision instanceof Decision.RequireApproval asked && origin == Origin.MODEL && approvals != null) {
                Optional<Approval> asEarlier = approvals.forCall(scope.runId(), callId);
                if (asEarlier.isEmpty()) {
                    waiting = requestApproval(call, scrub(arguments), asked, now);
                } else if (asEarlier.get().status() == Approval.Status.PENDING) {
                    waiting = asEarlier.get();
                } else {
                    decision = decidedBy(asEarlier.get(), asked);
                }
            }
            RunLedger.CallKey key = RunLedger.key(id, arguments);
            if (decision instanceof Decision.Allow) {
                decision = loopGuard(scope, id, key).orElse(decision);
            }
            scope.ledger().decided(id, key, origin.id, decision.effect());
        }
        if (waiting != null) {
            return new Outcome(null, decision, waiting);
        }
        if (decision instanceof Decision.Allow allow && !scope.earlier().isEmpty()) {
            Optional<Earlier.Attempt> before = scope.earlier().find(scope.step(), callId);
            if (before.isPresent() && !before.get().inDoubt()) {
                // An earlier attempt made this call and recorded its result: it is not made again.
                return new Outcome(before.get().result(), allow);
            }
            if (before.isPresent() && !safeToSendAgain(tool)) {
                return inDoubt(scope, call, tool, arguments, now);
            }
        }
        return switch (decision) {
            case Decision.Allow allow ->
                recorded(
                        call,
                        arguments,
                        allow,
                        scope.masks(),
                        scope.unconfirmed(),
                        () -> invoke(tool, new ToolCall(callId, id, arguments), scope));
            case Decision.Deny deny -> new Outcome(refused(call, deny, deny.reason()), deny);
            case Decision.RequireApproval approval ->
                new Outcome(
                        refused(
                                call,
                                approval,
                                origin == Origin.CODE
                                        ? cannotWait(approval, "code")
                                                + "; the model can make this call itself, outside code.run"
                                        : needsApproval(approval)),
                        approval);
        };
    }

    /**
     * Whether a call that may or may not have reached the tool can be sent again without risking a
     * second effect: the tool is idempotent, the API recognises the request's idempotency key, or it is
     * code, which is run again with its own calls answered from the journal.
     */
    private static boolean safeToSendAgain(Tool tool) {
        return tool.spec().annotations().idempotent()
                || tool.sendsIdempotencyKey()
                || tool.spec().id().startsWith(CODE_TOOLSET);
    }

    /**
     * A call an earlier attempt recorded the intent of but not the result: the replica stopped during
     * it. The model's call waits for a person to say whether to send it again; a call from code, which
     * cannot wait, is refused to the code.
     */
    private Outcome inDoubt(Scope scope, RunJournal.Call call, Tool tool, JsonNode arguments, Instant now) {
        String why = "the previous attempt may or may not have happened: its intent is in the journal and its"
                + " result is not, because the replica executing the run stopped during the call";
        if (call.origin() == Origin.MODEL && approvals != null) {
            Decision.RequireApproval asked = new Decision.RequireApproval(
                    IN_DOUBT_POLICY,
                    IN_DOUBT_RULE,
                    why + "; approve to send it again, reject to tell the model it was not confirmed");
            RunJournal.Call doubt = new RunJournal.Call(
                    call.runId(),
                    call.agent(),
                    call.step(),
                    call.callId() + "~in-doubt-" + call.step(),
                    call.tool(),
                    call.origin(),
                    call.actor());
            Optional<Approval> earlierAsk = approvals.forCall(call.runId(), doubt.callId());
            if (earlierAsk.isEmpty()) {
                return new Outcome(null, asked, requestApproval(doubt, scrub(arguments), asked, now));
            }
            if (earlierAsk.get().status() == Approval.Status.PENDING) {
                return new Outcome(null, asked, earlierAsk.get());
            }
            Decision decided = decidedBy(earlierAsk.get(), asked);
            if (decided instanceof Decision.Allow again) {
                return recorded(
                        call,
                        arguments,
                        again,
                        scope.masks(),
                        scope.unconfirmed(),
                        () -> invoke(
                                tool, new ToolCall(call.callId(), tool.spec().id(), arguments), scope));
            }
            return new Outcome(refused(call, decided, decided.reason()), decided);
        }
        Decision.Deny deny = new Decision.Deny(
                IN_DOUBT_POLICY,
                IN_DOUBT_RULE,
                "not sent again: " + why + "; " + tool.spec().id() + " is neither idempotent nor sent with an"
                        + " idempotency key, so find out whether it happened before calling it again");
        return new Outcome(refused(call, deny, deny.reason()), deny);
    }

    /**
     * Asks a person: the decision that asks and the approval are recorded first, so an approval that
     * exists is always in the journal.
     */
    private Approval requestApproval(
            RunJournal.Call call, JsonNode arguments, Decision.RequireApproval asked, Instant now) {
        Approval pending = new Approval(
                RunIds.nextApproval(now),
                call.runId(),
                call.agent(),
                call.step(),
                call.callId(),
                call.tool(),
                arguments,
                call.origin().id,
                asked.policy(),
                asked.rule(),
                asked.reason(),
                Approval.Status.PENDING,
                now,
                now.plus(approvalTimeout),
                null,
                null,
                null);
        journal.refused(call, asked);
        journal.approvalRequested(pending);
        return approvals.request(pending);
    }

    /** The decision a person (or the clock) made on a call a policy sent to them. */
    private Decision decidedBy(Approval approval, Decision.RequireApproval asked) {
        String comment = approval.comment() == null || approval.comment().isBlank() ? "" : ": " + approval.comment();
        return switch (approval.status()) {
            case APPROVED ->
                new Decision.Allow(
                        asked.policy(),
                        asked.rule(),
                        "approved by " + approval.decidedBy() + " (" + approval.id() + ")" + comment);
            case REJECTED ->
                new Decision.Deny(
                        asked.policy(),
                        asked.rule(),
                        "refused: a person rejected this call (" + approval.id() + ")" + comment
                                + "; do not make it again");
            case EXPIRED ->
                new Decision.Deny(
                        asked.policy(),
                        asked.rule(),
                        "refused: no one approved this call in time (" + approval.id() + "); it was not made");
            case CANCELLED, PENDING ->
                new Decision.Deny(
                        asked.policy(),
                        asked.rule(),
                        "refused: the approval of this call was cancelled (" + approval.id() + ")");
        };
    }

    /** A further call of a tool with arguments it was already allowed {@code max-identical-calls} times. */
    private static Optional<Decision> loopGuard(Scope scope, String tool, RunLedger.CallKey key) {
        int max = scope.plan().agent().limits().maxIdenticalCalls();
        int made = scope.ledger().identicalCalls(key);
        if (made < max) {
            return Optional.empty();
        }
        return Optional.of(new Decision.Deny(
                null,
                "limits.max-identical-calls",
                "refused: " + tool + " was already called " + made + " times with these exact arguments in this"
                        + " run (limit " + max + "); use the earlier results, change the arguments, or answer"));
    }

    private static String cannotWait(Decision.RequireApproval approval, String who) {
        return "refused: this call needs a person's approval (" + approval.reason() + "), and " + who
                + " cannot wait for one";
    }

    /**
     * What the model is told of a call that needs approval where no one can give it (a gate without
     * approvals): a guardrail never lets it through unapproved.
     */
    private static String needsApproval(Decision.RequireApproval approval) {
        return "refused: this call needs a person's approval (" + approval.reason() + "), and none can be asked"
                + " for here, so the call was not made";
    }

    private ToolResult refused(RunJournal.Call call, Decision decision, String told) {
        journal.refused(call, decision);
        return ToolResult.refused(told);
    }

    private static final Map<ToolAnnotations, Map<String, Boolean>> ANNOTATIONS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Map<String, Boolean> annotations(Tool tool) {
        return annotations(tool.spec().annotations());
    }

    /** Annotations as rules read them; a few distinct ones exist, so each is made once. */
    static Map<String, Boolean> annotations(ToolAnnotations toolAnnotations) {
        return ANNOTATIONS.computeIfAbsent(
                toolAnnotations,
                annotations -> Map.of(
                        "read_only", annotations.readOnly(),
                        "destructive", annotations.destructive(),
                        "idempotent", annotations.idempotent()));
    }

    private ToolResult invoke(Tool tool, ToolCall call, Scope scope) {
        AgentDefinition agent = scope.plan().agent();
        ToolContext context = new ToolContext(
                scope.runId(), agent.name(), scope.step(), scope.deadline(), agent.sandbox(), invoker(scope));
        return safely(tool, call, context);
    }

    /** The tool's result; an exception escaping it (a bug in the tool) becomes a failed result. */
    private static ToolResult safely(Tool tool, ToolCall call, ToolContext context) {
        try {
            return tool.call(call, context);
        } catch (RuntimeException e) {
            return ToolResult.failed(call.tool() + " failed unexpectedly: " + e);
        }
    }

    /**
     * How a tool reaches the agent's other tools (code.run does, for guest code): through the same
     * checks as a model's call, recorded as coming from code. Code reaches only tools marked
     * callable-from-code, and never code.run itself.
     */
    private ToolInvoker invoker(Scope scope) {
        return new ToolInvoker() {
            @Override
            public List<String> available() {
                return scope.plan().toolsByFunction().values().stream()
                        .filter(tool -> tool.spec().annotations().callableFromCode())
                        .map(tool -> tool.spec().id())
                        .filter(id -> !id.startsWith(CODE_TOOLSET))
                        .toList();
            }

            @Override
            public ToolResult invoke(String callId, String toolId, JsonNode arguments) {
                Optional<Tool> tool = toolId.startsWith(CODE_TOOLSET)
                        ? Optional.empty()
                        : scope.plan().toolById(toolId);
                if (tool.isEmpty()) {
                    return ToolResult.failed(
                            "the agent has no tool '" + toolId + "' that code may call; it has " + available());
                }
                if (!tool.get().spec().annotations().callableFromCode()) {
                    return ToolResult.refused(toolId + " is not callable from code (its toolset does not mark it"
                            + " callable-from-code); call it as a tool instead");
                }
                try {
                    return forModel(
                            scope.masks(),
                            checkedCall(scope, tool.get(), callId, arguments, Origin.CODE, clock.instant())
                                    .result());
                } catch (RunJournal.Unrecorded journalDown) {
                    return ToolResult.failed(toolId + " was not called: " + journalDown.getMessage());
                }
            }
        };
    }

    private static ToolResult unknownTool(RunPlan plan, String name) {
        return ToolResult.failed("there is no tool named '" + name + "'; the tools you can call are "
                + (plan.toolsByFunction().isEmpty()
                        ? "none"
                        : String.join(", ", plan.toolsByFunction().keySet())));
    }

    /** The arguments as JSON; text that does not parse is kept as a JSON string so it can be stored and shown. */
    private static JsonNode parse(String arguments) {
        try {
            JsonNode parsed = JSON.readTree(arguments);
            return parsed == null ? JsonNodeFactory.instance.objectNode() : parsed;
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(arguments);
        }
    }

    private static boolean isJsonText(String text) {
        return text.strip().startsWith("\"");
    }

    private JsonNode scrub(JsonNode node) {
        return redactor.isEmpty() ? node : rewrite(node, redactor::scrub);
    }

    private ToolResult scrub(ToolResult result) {
        return redactor.isEmpty() ? result : rewrite(result, redactor::scrub);
    }

    /** What the model reads of a result: secrets scrubbed, then the policies' masks for the model. */
    private ToolResult forModel(PolicyEngine.Redactions masks, ToolResult result) {
        ToolResult clean = scrub(result);
        return masks.model().isEmpty() ? clean : rewrite(clean, masks.model()::mask);
    }

    /** What is recorded and shown: what the model read, then the policies' masks for the store. */
    private ToolResult forStore(PolicyEngine.Redactions masks, ToolResult result) {
        ToolResult read = forModel(masks, result);
        return masks.store().isEmpty() ? read : rewrite(read, masks.store()::mask);
    }

    private JsonNode forStore(PolicyEngine.Redactions masks, JsonNode node) {
        JsonNode clean = scrub(node);
        return masks.store().isEmpty() ? clean : rewrite(clean, masks.store()::mask);
    }

    /** {@code node} with its JSON text rewritten; text that no longer parses is kept as a string. */
    private static JsonNode rewrite(JsonNode node, java.util.function.UnaryOperator<String> how) {
        String text = node.toString();
        String rewritten = how.apply(text);
        if (rewritten.equals(text)) {
            return node;
        }
        try {
            return JSON.readTree(rewritten);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(rewritten);
        }
    }

    private static ToolResult rewrite(ToolResult result, java.util.function.UnaryOperator<String> how) {
        return switch (result) {
            case ToolResult.Success success -> {
                JsonNode rewritten = rewrite(success.value(), how);
                yield rewritten == success.value() ? result : ToolResult.success(rewritten);
            }
            case ToolResult.Failure failure -> ToolResult.failed(how.apply(failure.message()));
            case ToolResult.Refused refused -> ToolResult.refused(how.apply(refused.reason()));
        };
    }
}
