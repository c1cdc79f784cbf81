package dev.agentry.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.asset.FieldException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One tool of an HTTP toolset: what the model sees (name, description, parameters), what it does
 * to the world ({@code annotations}; none means destructive) and how a call becomes a request
 * ({@code http}).
 */
public record HttpToolDefinition(
        String name, String description, JsonNode parameters, ToolAnnotations annotations, HttpBinding http)
        implements NamedTool {

    /** The argument a call's idempotency key is offered as, in templates. */
    public static final String IDEMPOTENCY_KEY = "$idempotencyKey";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    public HttpToolDefinition {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new FieldException(
                    "name", "must be lowercase letters, digits and '_', starting with a letter, got '" + name + "'");
        }
        description = description == null ? "" : description;
        if (parameters == null) {
            parameters = JsonNodeFactory.instance.objectNode().put("type", "object");
        }
        List<String> problems = ArgumentSchema.problemsOfSchema(parameters);
        if (!problems.isEmpty()) {
            throw new FieldException("parameters", "is not a usable JSON Schema: " + String.join("; ", problems));
        }
        annotations = annotations == null ? ToolAnnotations.UNANNOTATED : annotations;
        if (http == null) {
            throw new FieldException("http", "is required; say which method and path a call makes");
        }
        Matcher matcher = PLACEHOLDER.matcher(http.path());
        while (matcher.find()) {
            if (!parameters.path("properties").has(matcher.group(1))) {
                throw new FieldException(
                        "http.path",
                        "uses {" + matcher.group(1) + "}, which is not one of the tool's parameters; add it under "
                                + "parameters.properties or fix the name");
            }
        }
    }
}
