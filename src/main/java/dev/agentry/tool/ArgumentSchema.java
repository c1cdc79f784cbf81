package dev.agentry.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** A tool's parameter schema, compiled once: checks arguments before anything leaves Agentry. */
public final class ArgumentSchema {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final JsonSchema META_SCHEMA =
            FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    private final JsonNode json;
    private final JsonSchema schema;

    private ArgumentSchema(JsonNode json, JsonSchema schema) {
        this.json = json;
        this.schema = schema;
    }

    /**
     * Compiles {@code parameters}, which must be a valid JSON Schema (2020-12) of type object.
     *
     * @throws IllegalArgumentException naming what is wrong with the schema
     */
    public static ArgumentSchema of(JsonNode parameters) {
        List<String> problems = problemsOfSchema(parameters);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new ArgumentSchema(parameters.deepCopy(), FACTORY.getSchema(parameters));
    }

    /** What is wrong with {@code parameters} as a tool's parameter schema; empty when nothing. */
    public static List<String> problemsOfSchema(JsonNode parameters) {
        if (parameters == null || !parameters.isObject()) {
            return List.of("must be a JSON Schema object such as {type: object, properties: {...}}");
        }
        if (!"object".equals(parameters.path("type").asText())) {
            return List.of("must have 'type: object' at the top, with the arguments under 'properties'");
        }
        return messages(META_SCHEMA.validate(parameters));
    }

    /** The schema as JSON, as models are shown it. */
    public JsonNode json() {
        return json.deepCopy();
    }

    /** What is wrong with {@code arguments}; empty when they match. */
    public List<String> problems(JsonNode arguments) {
        return messages(schema.validate(arguments));
    }

    private static List<String> messages(Set<ValidationMessage> messages) {
        if (messages.isEmpty()) {
            return List.of();
        }
        return messages.stream()
                .sorted(Comparator.comparing(ValidationMessage::getMessage))
                .map(ValidationMessage::getMessage)
                .limit(10)
                .toList();
    }
}
