package dev.agentry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.agentry.AgentryException;
import java.io.IOException;
import java.util.Iterator;

/**
 * The body of {@code POST /v1/agents/{name}/runs}: {@code {"input": <string or JSON>, "wait": <bool>}},
 * both optional. Read strictly: unknown fields, duplicate keys and wrong types are refused.
 */
record StartRunRequest(JsonNode input, boolean awaitEnd) {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** @param body the whole body as received, already bounded by the HTTP layer */
    static StartRunRequest read(byte[] body) {
        byte[] bytes = body == null ? new byte[0] : body;
        if (bytes.length > BodyLimit.MAX_BYTES) {
            throw new AgentryException.InvalidInput(
                    413, "the request body is over " + BodyLimit.MAX_BYTES + " bytes (1 MiB); send a smaller input");
        }
        if (isBlank(bytes)) {
            return new StartRunRequest(null, false);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new AgentryException.InvalidInput("the request body is not valid JSON ("
                    + e.getOriginalMessage().replaceAll("\\s+", " ") + " at line "
                    + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()
                    + "); send an object such as {\"input\": \"...\"}");
        } catch (IOException e) {
            throw new AgentryException.InvalidInput("the request body could not be read: " + e.getMessage());
        }
        if (!root.isObject()) {
            throw new AgentryException.InvalidInput(
                    "the request body must be a JSON object such as {\"input\": \"...\", \"wait\": true}");
        }
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

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }
}
