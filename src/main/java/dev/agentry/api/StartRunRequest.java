package dev.agentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.AgentryException;
import java.util.Iterator;
import java.util.Optional;

/**
 * The body of {@code POST /v1/agents/{name}/runs}: {@code {"input": <string or JSON>, "wait": <bool>}},
 * both optional. Read strictly: unknown fields, duplicate keys and wrong types are refused.
 */
record StartRunRequest(JsonNode input, boolean awaitEnd) {

    /** @param body the whole body as received, already bounded by the HTTP layer */
    static StartRunRequest read(byte[] body) {
        Optional<ObjectNode> read = JsonBody.object(
                body, "a smaller input", "{\"input\": \"...\", \"wait\": true}", "{\"input\": \"...\"}");
        if (read.isEmpty()) {
            return new StartRunRequest(null, false);
        }
        ObjectNode root = read.get();
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("input") && !name.equals("wait")) {
                throw new AgentryException.InvalidInput(
                        "the request body has an unknown field '" + name + "'; the fields are input and wait");
            }
        }
        JsonNode wait = root.path("wait");
        if (!wait.isMissingNode() && !wait.isBoolean()) {
            throw new AgentryException.InvalidInput("the field 'wait' must be true or false, got " + wait);
        }
        JsonNode input = root.get("input");
        return new StartRunRequest(input == null || input.isNull() ? null : input, wait.asBoolean(false));
    }
}
