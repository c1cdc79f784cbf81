package dev.agentry.asset;

import java.util.Map;
import java.util.Optional;

/**
 * Where {@code ${NAME}} in an asset file takes its value from. Production reads the process
 * environment; the offline demo adds defaults behind it for the variables it simulates.
 */
@FunctionalInterface
public interface Variables {

    Optional<String> lookup(String name);

    static Variables environment() {
        return name -> Optional.ofNullable(System.getenv(name));
    }

    static Variables of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return name -> Optional.ofNullable(copy.get(name));
    }

    /** These variables first, then {@code fallback} for names these do not define. */
    default Variables orElse(Variables fallback) {
        return name -> lookup(name).or(() -> fallback.lookup(name));
    }
}
