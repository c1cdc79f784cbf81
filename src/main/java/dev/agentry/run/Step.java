package dev.agentry.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.model.TokenUsage;
import dev.agentry.model.ToolRequest;
import dev.agentry.policy.Decision;
import dev.agentry.tool.ToolResult;
import java.time.Instant;
import java.util.List;

/** One committed step of a run: a model call, or one tool call. Indexes start at 1 and never repeat. */
public sealed interface Step permits Step.ModelStep, Step.ToolStep {

    int index();

    Instant startedAt();

    long durationMs();

    /** The step's outcome as JSON, as runs show and store it. */
    JsonNode resultJson();

    /** The model answered: text, tool requests, or both. */
    record ModelStep(
            int index,
            Instant startedAt,
            long durationMs,
            String text,
            List<ToolRequest> toolRequests,
            TokenUsage usage)
            implements Step {
        public ModelStep {
            requireNonNull(startedAt, "startedAt");
            text = text == null ? "" : text;
            toolRequests = List.copyOf(toolRequests);
            requireNonNull(usage, "usage");
        }

        /** {@code {"text": ..., "toolCalls": [{"id", "name", "arguments"}]}}, arguments as the model sent them. */
        @Override
        public JsonNode resultJson() {
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("text", text);
            ArrayNode calls = result.putArray("toolCalls");
            toolRequests.forEach(request -> calls.addObject()
                    .put("id", request.id())
                    .put("name", request.name())
                    .put("arguments", request.arguments()));
            return result;
        }
    }

    /**
     * One tool call and how it ended.
     *
     * @param requestId the id of the model's request this answers
     * @param tool the tool's id ({@code toolset.tool}), or the name the model used if no tool has it
     * @param arguments the arguments as sent: parsed JSON, or the raw text when they did not parse
     * @param decision what policy decided, or null when the call never reached policy (an unknown
     *     tool, arguments that do not match its parameters)
     * @param modelResult what the model read, when policies mask the stored result differently; null
     *     when it read {@code result}. Not stored: a resumed run's model reads the stored result.
     */
    record ToolStep(
            int index,
            Instant startedAt,
            long durationMs,
            String requestId,
            String tool,
            JsonNode arguments,
            ToolResult result,
            Decision decision,
            ToolResult modelResult)
            implements Step {
        public ToolStep {
            requireNonNull(startedAt, "startedAt");
            requireNonNull(requestId, "requestId");
            requireNonNull(tool, "tool");
            requireNonNull(arguments, "arguments");
            requireNonNull(result, "result");
        }

        /** A step whose model read what is stored. */
        public ToolStep(
                int index,
                Instant startedAt,
                long durationMs,
                String requestId,
                String tool,
                JsonNode arguments,
                ToolResult result,
                Decision decision) {
            this(index, startedAt, durationMs, requestId, tool, arguments, result, decision, null);
        }

        /** What the model read of this call. */
        public ToolResult forModel() {
            return modelResult == null ? result : modelResult;
        }

        /** A step that never reached policy. */
        public ToolStep(
                int index,
                Instant startedAt,
                long durationMs,
                String requestId,
                String tool,
                JsonNode arguments,
                ToolResult result) {
            this(index, startedAt, durationMs, requestId, tool, arguments, result, null, null);
        }

        /** {@code {"effect", "policy", "rule", "reason"}}, or null when there was no decision. */
        public JsonNode decisionJson() {
            return decision == null ? null : json(decision);
        }

        /** Reasons longer than this are cut, so a decision always fits its column. */
        static final int MAX_REASON_CHARS = 4_000;

        static ObjectNode json(Decision decision) {
            String reason = decision.reason();
            if (reason.length() > MAX_REASON_CHARS) {
                reason = reason.substring(0, MAX_REASON_CHARS) + "...";
            }
            ObjectNode json = JsonNodeFactory.instance.objectNode().put("effect", decision.effect());
            json.put("policy", decision.policy()).put("rule", decision.rule()).put("reason", reason);
            return json;
        }

        /** The decision stored as {@link #decisionJson()}, or null. */
        public static Decision decision(JsonNode json) {
            if (json == null || !json.isObject()) {
                return null;
            }
            String policy =
                    json.path("policy").isTextual() ? json.path("policy").asText() : null;
            String rule = json.path("rule").isTextual() ? json.path("rule").asText() : null;
            String reason = json.path("reason").asText("");
            return switch (json.path("effect").asText()) {
                case "allow" -> new Decision.Allow(policy, rule, reason);
                case "require-approval" -> new Decision.RequireApproval(policy, rule, reason);
                default -> new Decision.Deny(policy, rule, reason);
            };
        }

        /** The tool's answer; {@code {"error": ...}} or {@code {"refused": ...}} when there was none. */
        @Override
        public JsonNode resultJson() {
            return json(result);
        }

        /** A tool result as stored and shown: its value, or {@code {"error": ...}} or {@code {"refused": ...}}. */
        static JsonNode json(ToolResult result) {
            return switch (result) {
                case ToolResult.Success success -> success.value();
                case ToolResult.Failure failure ->
                    JsonNodeFactory.instance.objectNode().put("error", failure.message());
                case ToolResult.Refused refused ->
                    JsonNodeFactory.instance.objectNode().put("refused", refused.reason());
            };
        }
    }
}
