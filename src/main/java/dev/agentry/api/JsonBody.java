package dev.agentry.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.AgentryException;
import java.io.IOException;
import java.util.Optional;

/**
 * Request bodies that must be one JSON object, read strictly (duplicate keys are refused); every way
 * they can be wrong is a 4xx whose message says how to fix it.
 */
final class JsonBody {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonBody() {}

    /**
     * The body as an object, or empty when it is blank.
     *
     * @param smaller what to send instead of a body over the limit, such as "a smaller input"
     * @param example an object of the expected shape, for the message about a body that is not one
     * @param start the least such object, for the message about a body that is not JSON
     */
    static Optional<ObjectNode> object(byte[] body, String smaller, String example, String start) {
        byte[] bytes = body == null ? new byte[0] : body;
        if (bytes.length > BodyLimit.MAX_BYTES) {
            throw new AgentryException.InvalidInput(
                    413, "the request body is over " + BodyLimit.MAX_BYTES + " bytes (1 MiB); send " + smaller);
        }
        if (isBlank(bytes)) {
            return Optional.empty();
        }
        try {
            if (JSON.readTree(bytes) instanceof ObjectNode object) {
                return Optional.of(object);
            }
            throw new AgentryException.InvalidInput("the request body must be a JSON object such as " + example);
        } catch (StreamConstraintsException e) {
            // The parser's own limits (nesting depth, number and string length) carry no location.
            String limit =
                    e.getOriginalMessage().replaceAll(", from `[^`]*`", "").replaceAll("\\s+", " ");
            throw new AgentryException.InvalidInput("the request body is past a limit of the JSON parser: " + limit
                    + "; send a flatter body with shorter numbers and strings, such as " + start);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new AgentryException.InvalidInput("the request body is not valid JSON ("
                    + e.getOriginalMessage().replaceAll("\\s+", " ")
                    + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr())
                    + "); send an object such as " + start);
        } catch (IOException e) {
            throw new AgentryException.InvalidInput("the request body could not be read: " + e.getMessage());
        }
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
