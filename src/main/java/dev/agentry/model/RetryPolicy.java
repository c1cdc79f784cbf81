package dev.agentry.model;

import java.time.Duration;

/**
 * How model calls retry transient failures (HTTP 408, 429, 5xx, dropped connections): up to
 * {@code maxAttempts} in all, exponential backoff with jitter from {@code initialBackoff}, and a
 * server's {@code Retry-After} honoured up to {@code maxDelay} (a longer wait fails at once).
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxDelay) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("delays cannot be negative");
        }
    }
}
