package dev.agentry.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.asset.Redactor;
import dev.agentry.model.ToolRequest;
import dev.agentry.policy.Decision;
import dev.agentry.policy.PolicyEngine;
import dev.agentry.policy.PolicyRequest;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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

    private final PolicyEngine policy;
    private final Redactor redactor;
    private final Clock clock;

    ToolGate(PolicyEngine policy, Redactor redactor, Clock clock) {
        this.policy = policy;
        this.redactor = redactor;
        this.clock = clock;
    }

    /** Runs one requested call and returns its committed-to-be step. Safe to call from several threads. */
    public Step.ToolStep call(String runId, RunPlan plan, Instant deadline, ToolRequest request, int index) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Optional<Tool> tool = plan.tool(request.name());
        JsonNode arguments = parse(request.arguments());
        ToolResult result = tool.isEmpty()
                ? unknownTool(plan, request.name())
                : checkedCall(runId, plan, deadline, tool.get(), request, arguments, index);
        long durationMs = (System.nanoTime() - t0) / 1_000_000;
        String name = tool.map(t -> t.spec().id()).orElse(request.name());
        return new Step.ToolStep(index, started, durationMs, request.id(), name, scrub(arguments), scrub(result));
    }

    private ToolResult checkedCall(
            String runId,
            RunPlan plan,
            Instant deadline,
            Tool tool,
            ToolRequest request,
            JsonNode arguments,
            int index) {
        String id = tool.spec().id();
        if (arguments.isTextual() && !isJsonText(request.arguments())) {
            return ToolResult.failed("the arguments for " + id + " are not valid JSON; send a JSON object that "
                    + "matches the tool's parameters");
        }
        if (!arguments.isObject()) {
            return ToolResult.failed("the arguments for " + id + " must be a JSON object, got "
                    + arguments.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        List<String> problems = tool.spec().parameters().problems(arguments);
        if (!problems.isEmpty()) {
            return ToolResult.failed("the arguments do not match the parameters of " + id + ": "
                    + String.join("; ", problems) + ". Fix them and call again.");
        }
        Decision decision = policy.decide(
                new PolicyRequest(runId, plan.agent().name(), plan.agent().policies(), id, arguments));
        return switch (decision) {
            case Decision.Deny deny -> ToolResult.refused(deny.reason());
            case Decision.Allow allow ->
                invoke(tool, new ToolCall(request.id(), id, arguments), runId, plan, index, deadline);
        };
    }

    private static ToolResult invoke(
            Tool tool, ToolCall call, String runId, RunPlan plan, int index, Instant deadline) {
        try {
            return tool.call(call, new ToolContext(runId, plan.agent().name(), index, deadline));
        } catch (RuntimeException e) {
            return ToolResult.failed(call.tool() + " failed unexpectedly: " + e);
        }
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
        if (redactor.isEmpty()) {
            return node;
        }
        String text = node.toString();
        String clean = redactor.scrub(text);
        if (clean.equals(text)) {
            return node;
        }
        try {
            return JSON.readTree(clean);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(clean);
        }
    }

    private ToolResult scrub(ToolResult result) {
        if (redactor.isEmpty()) {
            return result;
        }
        return switch (result) {
            case ToolResult.Success success -> {
                JsonNode clean = scrub(success.value());
                yield clean == success.value() ? result : ToolResult.success(clean);
            }
            case ToolResult.Failure failure -> ToolResult.failed(redactor.scrub(failure.message()));
            case ToolResult.Refused refused -> ToolResult.refused(redactor.scrub(refused.reason()));
        };
    }
}
