package dev.agentry.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.asset.FieldException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How one tool call becomes one HTTP request. In {@code path}, {@code query}, {@code headers} and
 * {@code body}, {@code {name}} stands for the argument {@code name}; a body value that is exactly
 * {@code "{name}"} takes the argument with its JSON type, {@code "{*}"} takes all arguments, and a
 * query parameter or body field whose argument is absent is left out.
 *
 * @param result JSON pointer to the part of the response the model gets; empty for all of it
 */
public record HttpBinding(
        String method,
        String path,
        Map<String, JsonNode> query,
        Map<String, String> headers,
        JsonNode body,
        String result) {

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    public HttpBinding {
        method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new FieldException("method", "must be one of GET, POST, PUT, PATCH, DELETE, got '" + method + "'");
        }
        path = path == null ? "" : path;
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw new FieldException("path", "must start with '/', such as /calendars/{calendarId}/events");
        }
        query = ordered(query);
        for (Map.Entry<String, JsonNode> entry : query.entrySet()) {
            if (!entry.getValue().isValueNode()) {
                throw new FieldException(
                        "query." + entry.getKey(), "must be a single value or a {placeholder}, not a list or mapping");
            }
        }
        headers = ordered(headers);
        result = result == null ? "" : result;
        if (!result.isEmpty() && !result.startsWith("/")) {
            throw new FieldException("result", "must be a JSON pointer such as /items, got '" + result + "'");
        }
    }

    /** An unmodifiable copy that keeps the order written in YAML, which is the order sent. */
    private static <V> Map<String, V> ordered(Map<String, V> values) {
        return values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
