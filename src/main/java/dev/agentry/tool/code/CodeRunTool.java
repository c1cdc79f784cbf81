package dev.agentry.tool.code;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.sandbox.CodeExecution;
import dev.agentry.sandbox.CodeSandbox;
import dev.agentry.sandbox.ExecutionResult;
import dev.agentry.sandbox.SandboxCatalog;
import dev.agentry.sandbox.SandboxProfile;
import dev.agentry.sandbox.ToolBridge;
import dev.agentry.tool.ArgumentSchema;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code code.run}: runs JavaScript the model wrote, in the sandbox profile the agent names. Code
 * can call the agent's tools that the profile allows, each call passing the same checks as the
 * model's own. The model always gets {@code {"result", "stdout", "stderr", "limit", "error",
 * "durationMs", "toolCalls", "sandbox"}}: a limit or an error in the code is an answer, not a failed
 * run.
 */
final class CodeRunTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ToolSpec SPEC = new ToolSpec(
            "code",
            "run",
            "Run JavaScript (ES2024) and get its result. The value of the last expression is the result (a"
                    + " Promise is awaited); it must be JSON-serialisable. console.log and console.error print."
                    + " `input` holds the input you pass. Call a tool you see as <toolset>_<tool> as"
                    + " tools['<toolset>']['<tool>'](arguments): it returns the tool's JSON answer or throws its"
                    + " error. There is no network, file system, timer or module loading; time, memory, output"
                    + " and tool calls are limited.",
            ArgumentSchema.of(schema()),
            // Running code changes nothing by itself; the tools it calls carry their own annotations.
            new ToolAnnotations(false, false, false, false));

    private final CodeSandbox sandbox;
    private final SandboxCatalog profiles;

    CodeRunTool(CodeSandbox sandbox, SandboxCatalog profiles) {
        this.sandbox = sandbox;
        this.profiles = profiles;
    }

    private static JsonNode schema() {
        try {
            return JSON.readTree("""
                    {"type": "object",
                     "properties": {
                       "language": {"type": "string", "enum": ["js"], "description": "js, the default"},
                       "source": {"type": "string", "description": "The JavaScript to run."},
                       "input": {"description": "Any JSON value; the code reads it as `input`."}},
                     "required": ["source"],
                     "additionalProperties": false}
                    """);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ToolSpec spec() {
        return SPEC;
    }

    @Override
    public ToolResult call(ToolCall call, ToolContext context) {
        SandboxProfile profile = profiles.findValid(context.sandbox()).orElse(null);
        if (profile == null) {
            return ToolResult.failed("code cannot run: the sandbox profile '" + context.sandbox() + "' is missing or"
                    + " invalid; add sandbox/" + context.sandbox() + ".yaml or name another profile in the agent");
        }
        List<String> allowed =
                context.tools().available().stream().filter(profile::allowsTool).toList();
        ArrayNode calls = JsonNodeFactory.instance.arrayNode();
        ToolBridge bridge = bridge(call, context, profile, allowed, calls);
        JsonNode input = call.arguments().get("input");
        ExecutionResult result = sandbox.execute(
                profile,
                new CodeExecution(
                        context.agent(), call.arguments().path("source").asText(), input, allowed, context.deadline()),
                bridge);
        return ToolResult.success(answer(result, profile, calls));
    }

    private static ToolBridge bridge(
            ToolCall call, ToolContext context, SandboxProfile profile, List<String> allowed, ArrayNode calls) {
        AtomicInteger count = new AtomicInteger();
        return (tool, arguments) -> {
            long started = System.nanoTime();
            JsonNode parsed = parse(arguments);
            ToolResult result = allowed.contains(tool)
                    ? context.tools().invoke(call.id() + "." + count.incrementAndGet(), tool, parsed)
                    : ToolResult.failed("code under sandbox profile '" + profile.name() + "' may not call " + tool
                            + "; it may call " + allowed);
            ObjectNode record = JsonNodeFactory.instance
                    .objectNode()
                    .put("tool", tool)
                    .put("status", result.status())
                    .put("durationMs", (System.nanoTime() - started) / 1_000_000);
            record.set("arguments", parsed);
            ObjectNode answer = JsonNodeFactory.instance.objectNode();
            switch (result) {
                case ToolResult.Success success -> {
                    record.set("result", success.value());
                    answer.set("result", success.value());
                }
                case ToolResult.Failure failure -> {
                    record.put("error", failure.message());
                    answer.put("error", failure.message());
                }
                case ToolResult.Refused refused -> {
                    record.put("refused", refused.reason());
                    answer.put("error", "refused by policy: " + refused.reason());
                }
            }
            synchronized (calls) {
                calls.add(record);
            }
            return answer.toString();
        };
    }

    private static JsonNode parse(String arguments) {
        try {
            return JSON.readTree(arguments);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(arguments);
        }
    }

    private static ObjectNode answer(ExecutionResult result, SandboxProfile profile, ArrayNode calls) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.putNull("result");
        answer.put("stdout", result.stdout()).put("stderr", result.stderr());
        answer.putNull("limit");
        answer.putNull("error");
        switch (result) {
            case ExecutionResult.Completed completed -> answer.set("result", completed.value());
            case ExecutionResult.Failed failed -> answer.put("error", failed.error());
            case ExecutionResult.Stopped stopped ->
                answer.put("limit", stopped.limit()).put("error", stopped.message());
        }
        answer.put("durationMs", result.durationMs());
        synchronized (calls) {
            answer.set("toolCalls", calls.deepCopy());
        }
        SandboxProfile.Limits limits = profile.limits();
        answer.putObject("sandbox")
                .put("profile", profile.name())
                .put("timeoutMs", limits.timeout().toMillis())
                .put("statements", limits.statements())
                .put("memory", limits.memory().format())
                .put("output", limits.output().format())
                .put("toolCalls", limits.toolCalls());
        return answer;
    }
}
