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
 * query parameter or body field whose argument is absent is left out. {@code {$idempotencyKey}}
 * stands for a key derived from the run, step and call, the same when a resumed run repeats the
 * call, for APIs that accept one.
 *
 * @param result JSON pointer to the part of the response the model gets; empty for all of it
 * @param pages how to follow the API's pagination, if the tool should gather several pages
 * @param errorHeader a response header that marks a failed call even on 2xx, as AWS Lambda's
 *     {@code X-Amz-Function-Error} does
 */
public record HttpBinding(
        String method,
        String path,
        Map<String, JsonNode> query,
        Map<String, String> headers,
        JsonNode body,
        String result,
        Pages pages,
        String errorHeader) {

    /**
     * Pagination: each page's items are at {@code items}; the next page is either a URL (or absolute
     * path) found at {@code next-url}, fetched with GET, or a token found at {@code next-token},
     * passed back as the argument {@code token-argument} in a request built again from the template.
     * At most {@code max-pages} pages are read; if more remain, the answer keeps the last link or
     * token so the model can ask for the rest.
     */
    public record Pages(String items, String nextUrl, String nextToken, String tokenArgument, Integer maxPages) {
        public Pages {
            requirePointer("items", items);
            if (items == null) {
                throw new FieldException("items", "is required; the JSON pointer to each page's list, such as /items");
            }
            if ((nextUrl == null) == (nextToken == null)) {
                throw new FieldException(
                        "next-url", "give exactly one of next-url (a link to the next page) or next-token");
            }
            requirePointer("next-url", nextUrl);
            requirePointer("next-token", nextToken);
            if (nextToken != null && (tokenArgument == null || tokenArgument.isBlank())) {
                throw new FieldException(
                        "token-argument", "is required with next-token: the argument that carries the token back");
            }
            maxPages = maxPages == null ? 5 : maxPages;
            if (maxPages < 1 || maxPages > 100) {
                throw new FieldException("max-pages", "must be between 1 and 100, got " + maxPages);
            }
        }
    }

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
        requirePointer("result", result);
        if (errorHeader != null && errorHeader.isBlank()) {
            errorHeader = null;
        }
    }

    private static void requirePointer(String field, String pointer) {
        if (pointer != null && !pointer.isEmpty() && !pointer.startsWith("/")) {
            throw new FieldException(field, "must be a JSON pointer such as /items, got '" + pointer + "'");
        }
    }

    /** An unmodifiable copy that keeps the order written in YAML, which is the order sent. */
    private static <V> Map<String, V> ordered(Map<String, V> values) {
        return values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
