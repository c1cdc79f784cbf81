package dev.agentry.asset;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentry.LogLines;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private final Clock clock;
    private final Map<String, Set<String>> bySource = new HashMap<>();
    /** Values no source holds any longer, and when they stopped being held. */
    private final Map<String, Instant> retired = new HashMap<>();
    /** Every value and its derived forms, longest first. */
    private volatile List<String> all = List.of();

    public Redactor() {
        this(Clock.systemUTC());
    }

    @Inject
    public Redactor(Clock clock) {
        this.clock = clock;
    }

    /** The service's redactor masks log lines too; instances made by hand (in tests) do not. */
    @PostConstruct
    void scrubLogs() {
        LogLines.scrubWith(this::scrub);
    }

    /**
     * Replaces the secrets known from {@code source} (an asset file, a token cache) with {@code values}.
     * A value it no longer holds stays masked (a run that read it before the file was edited, or before
     * a token was renewed, may still meet it in an answer) until {@link #forgetRetired} says no run that
     * could have used it is still executing.
     */
    public synchronized void update(String source, Set<String> values) {
        Set<String> before = values.isEmpty() ? bySource.remove(source) : bySource.put(source, Set.copyOf(values));
        Instant now = clock.instant();
        if (before != null) {
            for (String value : before) {
                if (!values.contains(value)) {
                    retired.putIfAbsent(value, now);
                }
            }
        }
        values.forEach(retired::remove);
        refresh();
    }

    /**
     * Stops masking values retired before {@code oldestRunning}, when the oldest run still executing
     * began: no run alive can have used them.
     */
    public synchronized void forgetRetired(Instant oldestRunning) {
        if (retired.values().removeIf(at -> at.isBefore(oldestRunning))) {
            refresh();
        }
    }

    /** How many retired values are still masked. */
    public synchronized int retiredCount() {
        return retired.size();
    }

    private void refresh() {
        all = Stream.concat(bySource.values().stream().flatMap(Set::stream), retired.keySet().stream())
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
