package dev.agentry.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A function offered to the model.
 *
 * @param name the name the model uses, such as {@code calendar_list_events}
 * @param parameters a JSON Schema of type object
 */
public record FunctionSpec(String name, String description, JsonNode parameters) {

    public FunctionSpec {
        requireNonNull(name, "name");
        description = description == null ? "" : description;
        requireNonNull(parameters, "parameters");
    }
}
