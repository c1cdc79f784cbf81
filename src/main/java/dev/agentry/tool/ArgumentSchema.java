package dev.agentry.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** A tool's parameter schema, compiled once: checks arguments before anything leaves Agentry. */
public final class ArgumentSchema {

    /**
     * Schemas come from MCP servers, OpenAPI documents and toolset files, so none may make the library
     * fetch anything: a {@code $ref}, {@code $schema} or {@code $id} naming {@code http:}, {@code file:}
     * or a link-local address is refused. Only the meta-schemas bundled in the library's jar load
     * (the library maps their json-schema.org addresses to its classpath before loading).
     */
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaLoaders(loaders -> loaders.add(new AllowSchemaLoader(ArgumentSchema::bundled))));

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
        try {
            return new ArgumentSchema(parameters.deepCopy(), FACTORY.getSchema(parameters));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot be used: " + e.getMessage() + " (only local #/ references are followed)");
        }
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

    private static boolean bundled(AbsoluteIri iri) {
        String address = iri.toString();
        return address.startsWith("classpath:draft/")
                || address.startsWith("classpath:draft-04/")
                || address.startsWith("classpath:draft-06/")
                || address.startsWith("classpath:draft-07/");
    }

    /** The schema as JSON, as models are shown it. */
    public JsonNode json() {
        return json.deepCopy();
    }

    /** What is wrong with {@code arguments}; empty when they match. */
    public List<String> problems(JsonNode arguments) {
        try {
            return messages(schema.validate(arguments));
        } catch (RuntimeException e) {
            // A reference the library may not load (see FACTORY), met only when validating.
            return List.of("the tool's parameter schema cannot be used (only local #/ references are followed): "
                    + e.getMessage());
        }
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
