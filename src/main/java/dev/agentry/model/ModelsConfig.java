package dev.agentry.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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

    /**
     * USD per million tokens by model name ({@code agentry.models.prices."gpt-4o-mini".input=0.15},
     * {@code .output=0.60}): a run's cost, and what {@code limits.max-cost} is measured with. Prices
     * change; set the ones your provider charges.
     */
    Map<String, ModelPrice> prices();

    /** One model's price. */
    interface ModelPrice {
        /** USD per million input tokens. */
        double input();

        /** USD per million output tokens. */
        double output();
    }

    /** The price configured for {@code model}, if any. */
    default Optional<Price> price(String model) {
        ModelPrice price = prices().get(model);
        return price == null ? Optional.empty() : Optional.of(new Price(price.input(), price.output()));
    }

    default RetryPolicy retryPolicy() {
        return new RetryPolicy(maxAttempts(), initialBackoff(), maxRetryDelay());
    }
}
