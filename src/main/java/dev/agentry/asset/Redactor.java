package dev.agentry.asset;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knows every secret value the loaded assets hold and removes them from text before it is stored,
 * logged, shown or handed to a model. Values shorter than four characters are left alone: masking
 * them would garble ordinary text and they protect nothing.
 */
@ApplicationScoped
public class Redactor {

    private static final int SHORTEST = 4;

    private final Map<String, Set<String>> bySource = new ConcurrentHashMap<>();
    private volatile Set<String> all = Set.of();

    /** Replaces the secrets known from {@code source} (an asset file) with {@code values}. */
    public void update(String source, Set<String> values) {
        if (values.isEmpty()) {
            bySource.remove(source);
        } else {
            bySource.put(source, Set.copyOf(values));
        }
        all = bySource.values().stream()
                .flatMap(Set::stream)
                .filter(value -> value.length() >= SHORTEST)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
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
}
