package dev.agentry.tool.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.tool.HttpBinding;
import dev.agentry.tool.HttpToolDefinition;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills an {@link HttpBinding} with a call's arguments: the path and query, percent-encoded, and the
 * JSON body. Only what the binding mentions leaves; arguments it does not mention stay home.
 */
final class RequestTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\$?[A-Za-z_][A-Za-z0-9_]*|\\*)}");
    /** Left as they are in a path segment: RFC 3986 unreserved characters; everything else is escaped. */
    private static final String UNRESERVED_PATH = "-._~";

    private final HttpBinding binding;

    RequestTemplate(HttpBinding binding) {
        this.binding = binding;
    }

    /** Whether the binding puts the argument {@code name} anywhere in the request. */
    boolean mentions(String name) {
        String placeholder = "{" + name + "}";
        return binding.path().contains(placeholder)
                || binding.query().values().stream()
                        .anyMatch(value -> value.toString().contains(placeholder))
                || binding.headers().values().stream().anyMatch(value -> value.contains(placeholder))
                || (binding.body() != null && binding.body().toString().contains(placeholder));
    }

    /** The path and query to append to the toolset's base URL. */
    String pathAndQuery(JsonNode arguments) {
        String path = substitute(binding.path(), arguments, true);
        StringJoiner query = new StringJoiner("&");
        for (Map.Entry<String, JsonNode> parameter : binding.query().entrySet()) {
            for (String value : queryValues(parameter.getValue(), arguments)) {
                query.add(encodeQuery(parameter.getKey()) + "=" + encodeQuery(value));
            }
        }
        return query.length() == 0 ? path : path + "?" + query;
    }

    /** Header values with their placeholders filled; a header with an absent argument is left out. */
    Map<String, String> headers(JsonNode arguments) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        binding.headers().forEach((name, template) -> {
            Matcher matcher = PLACEHOLDER.matcher(template);
            while (matcher.find()) {
                JsonNode value = arguments.path(matcher.group(1));
                if (value.isMissingNode() || value.isNull()) {
                    return;
                }
            }
            headers.put(name, substitute(template, arguments, false));
        });
        return headers;
    }

    /** The JSON body, or empty when the binding has none. */
    Optional<JsonNode> body(JsonNode arguments) {
        if (binding.body() == null || binding.body().isNull()) {
            return Optional.empty();
        }
        JsonNode filled = fill(binding.body(), arguments);
        return filled.isMissingNode() ? Optional.empty() : Optional.of(filled);
    }

    private JsonNode fill(JsonNode template, JsonNode arguments) {
        if (template.isTextual()) {
            Optional<JsonNode> whole = wholeArgument(template.asText(), arguments);
            if (whole.isPresent()) {
                return whole.get();
            }
            return JsonNodeFactory.instance.textNode(substitute(template.asText(), arguments, false));
        }
        if (template.isObject()) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            template.properties().forEach(field -> {
                JsonNode value = fill(field.getValue(), arguments);
                if (!value.isMissingNode()) {
                    object.set(field.getKey(), value);
                }
            });
            return object;
        }
        if (template.isArray()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            template.forEach(element -> {
                JsonNode value = fill(element, arguments);
                if (!value.isMissingNode()) {
                    array.add(value);
                }
            });
            return array;
        }
        return template;
    }

    /** When {@code template} is exactly one placeholder, the argument it names (missing if absent). */
    private static Optional<JsonNode> wholeArgument(String template, JsonNode arguments) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String name = matcher.group(1);
        if (name.equals("*") && arguments.has(HttpToolDefinition.IDEMPOTENCY_KEY)) {
            ObjectNode all = arguments.deepCopy();
            all.remove(HttpToolDefinition.IDEMPOTENCY_KEY);
            return Optional.of(all);
        }
        return Optional.of(name.equals("*") ? arguments : arguments.path(name));
    }

    private static Iterable<String> queryValues(JsonNode template, JsonNode arguments) {
        if (!template.isTextual()) {
            return java.util.List.of(template.asText());
        }
        Optional<JsonNode> whole = wholeArgument(template.asText(), arguments);
        if (whole.isEmpty()) {
            return java.util.List.of(substitute(template.asText(), arguments, false));
        }
        JsonNode value = whole.get();
        if (value.isMissingNode() || value.isNull()) {
            return java.util.List.of();
        }
        if (value.isArray()) {
            java.util.List<String> values = new java.util.ArrayList<>();
            value.forEach(element -> values.add(text(element)));
            return values;
        }
        return java.util.List.of(text(value));
    }

    private static String substitute(String template, JsonNode arguments, boolean pathSegment) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            JsonNode value = arguments.path(name);
            if (value.isMissingNode() || value.isNull()) {
                throw new IllegalArgumentException("argument '" + name + "' is required to build the request");
            }
            String text = text(value);
            if (pathSegment && (text.equals(".") || text.equals(".."))) {
                // Sent as they are, or as %2E (which servers may decode), they address the parent or the
                // collection itself: a delete_event on the calendar instead of one event.
                throw new IllegalArgumentException("argument '" + name + "' is '" + text
                        + "', which would address another resource on the server; pass the identifier itself");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(pathSegment ? encodePathSegment(text) : text));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }

    static String encodePathSegment(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || (UNRESERVED_PATH.indexOf(c) >= 0 && c < 0x80)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    static String encodeQuery(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
