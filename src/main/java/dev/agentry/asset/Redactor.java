package dev.agentry.asset;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Knows every secret value the loaded assets hold and removes them from text before it is stored,
 * logged, shown or handed to a model. Each value is also known in the forms it takes when it is
 * echoed back: JSON-escaped and URL-encoded. Longer values are replaced first, so that a secret that
 * contains another is masked whole. Values shorter than four characters are left alone: masking them
 * would garble ordinary text and they protect nothing.
 */
@ApplicationScoped
public class Redactor {

    private static final int SHORTEST = 4;

    private final Map<String, Set<String>> bySource = new ConcurrentHashMap<>();
    /** Every value and its derived forms, longest first. */
    private volatile List<String> all = List.of();

    /** Replaces the secrets known from {@code source} (an asset file) with {@code values}. */
    public void update(String source, Set<String> values) {
        if (values.isEmpty()) {
            bySource.remove(source);
        } else {
            bySource.put(source, Set.copyOf(values));
        }
        all = bySource.values().stream()
                .flatMap(Set::stream)
                .flatMap(Redactor::forms)
                .filter(value -> value.length() >= SHORTEST)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** A value as written, inside a JSON string (as Jackson escapes it), and in a URL or a form. */
    private static Stream<String> forms(String value) {
        String json = new String(JsonStringEncoder.getInstance().quoteAsString(value));
        String form = URLEncoder.encode(value, StandardCharsets.UTF_8);
        return Stream.of(value, json, form, form.replace("+", "%20"));
    }

    /** Whether any secret is known; when none is, scrubbing is a no-op and can be skipped. */
    public boolean isEmpty() {
        return all.isEmpty();
    }

    public String scrub(String text) {
        if (text == null || all.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : all) {
            if (result.contains(secret)) {
                result = result.replace(secret, Secret.MASK);
            }
        }
        return result;
    }

    /** A copy of {@code json} with every string in it scrubbed; the same tree when no secret is known. */
    public JsonNode scrub(JsonNode json) {
        if (json == null || all.isEmpty()) {
            return json;
        }
        return switch (json.getNodeType()) {
            case STRING -> TextNode.valueOf(scrub(json.textValue()));
            case OBJECT -> {
                ObjectNode copy = JsonNodeFactory.instance.objectNode();
                json.properties().forEach(field -> copy.set(field.getKey(), scrub(field.getValue())));
                yield copy;
            }
            case ARRAY -> {
                ArrayNode copy = JsonNodeFactory.instance.arrayNode();
                json.forEach(item -> copy.add(scrub(item)));
                yield copy;
            }
            default -> json;
        };
    }
}
