package dev.agentry.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How Agentry calls models, for every agent. */
@ConfigMapping(prefix = "agentry.models")
public interface ModelsConfig {

    /** Attempts per model call, the first included, when the endpoint fails transiently. */
    @WithDefault("4")
    int maxAttempts();

    /** First backoff between attempts; it doubles each time, with jitter. */
    @WithDefault("500ms")
    Duration initialBackoff();

    /** Longest wait before a retry; a Retry-After asking for longer fails the call at once. */
    @WithDefault("60s")
    Duration maxRetryDelay();

    default RetryPolicy retryPolicy() {
        return new RetryPolicy(maxAttempts(), initialBackoff(), maxRetryDelay());
    }
}
