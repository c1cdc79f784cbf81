package dev.agentry.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.tool.ArgumentSchema;
import dev.agentry.tool.Tool;
import dev.agentry.tool.ToolAnnotations;
import dev.agentry.tool.ToolCall;
import dev.agentry.tool.ToolContext;
import dev.agentry.tool.ToolResult;
import dev.agentry.tool.ToolSpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A tool that answers with a function of its arguments and remembers its calls. */
final class FakeTool implements Tool {

    private final ToolSpec spec;
    private final Function<JsonNode, ToolResult> behaviour;
    final List<ToolCall> calls = new CopyOnWriteArrayList<>();

    FakeTool(String toolset, String name, Function<JsonNode, ToolResult> behaviour) {
        this(toolset, name, ToolAnnotations.UNANNOTATED, behaviour);
    }

    FakeTool(String toolset, String name, ToolAnnotations annotations, Function<JsonNode, ToolResult> behaviour) {
        var schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        schema.putObject("properties").putObject("text").put("type", "string");
        this.spec = new ToolSpec(toolset, name, "fake " + name, ArgumentSchema.of(schema), annotations);
        this.behaviour = behaviour;
    }

    static FakeTool echo(String toolset, String name) {
        return new FakeTool(toolset, name, arguments -> ToolResult.success(arguments));
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public ToolResult call(ToolCall call, ToolContext context) {
        calls.add(call);
        return behaviour.apply(call.arguments());
    }

    List<JsonNode> arguments() {
        return calls.stream().map(ToolCall::arguments).toList();
    }
}
