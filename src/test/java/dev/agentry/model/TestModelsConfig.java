package dev.agentry.model;

import java.time.Duration;

/** Model call settings for tests, as plain values. */
public record TestModelsConfig(int maxAttempts, Duration initialBackoff, Duration maxRetryDelay)
        implements ModelsConfig {

    /** Four attempts with a 10 ms first backoff; Retry-After honoured up to 5 s. */
    public static TestModelsConfig standard() {
        return new TestModelsConfig(4, Duration.ofMillis(10), Duration.ofSeconds(5));
    }

    /** No prices: runs have no cost. */
    @Override
    public java.util.Map<String, ModelPrice> prices() {
        return java.util.Map.of();
    }
}
