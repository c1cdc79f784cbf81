package dev.agentry.model;

import dev.agentry.asset.FieldException;
import dev.agentry.asset.Secret;
import java.net.URI;
import java.time.Duration;

/**
 * The {@code model} block of an agent: which endpoint, which model, and how to call it.
 *
 * @param provider the kind of endpoint
 * @param name the model's name at that endpoint, such as {@code gpt-4o-mini}
 * @param baseUrl the endpoint; null means the provider's public default
 * @param apiKey the credential, if the endpoint needs one
 * @param temperature sampling temperature, 0 to 2; null leaves the endpoint's default
 * @param maxOutputTokens cap on tokens per reply; null leaves the endpoint's default
 * @param timeout how long one model call may take, retries excluded; default 60s
 */
public record ModelSettings(
        Provider provider,
        String name,
        String baseUrl,
        Secret apiKey,
        Double temperature,
        Integer maxOutputTokens,
        Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public ModelSettings {
        if (provider == null) {
            throw new FieldException("provider", "is required; choose one of openai, ollama, anthropic, demo");
        }
        if (name == null || name.isBlank()) {
            throw new FieldException("name", "is required; name the model, for example gpt-4o-mini");
        }
        if (baseUrl != null && !isHttpUrl(baseUrl)) {
            throw new FieldException(
                    "base-url",
                    "must be an http or https URL such as https://api.openai.com/v1, got '" + baseUrl + "'");
        }
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new FieldException("temperature", "must be between 0 and 2, got " + temperature);
        }
        if (maxOutputTokens != null && maxOutputTokens < 1) {
            throw new FieldException("max-output-tokens", "must be at least 1, got " + maxOutputTokens);
        }
        if (timeout == null) {
            timeout = DEFAULT_TIMEOUT;
        } else if (timeout.isZero() || timeout.isNegative()) {
            throw new FieldException("timeout", "must be longer than zero, such as 60s");
        }
    }

    /** The base URL to call: the configured one, or the provider's default. */
    public String effectiveBaseUrl() {
        return baseUrl != null ? baseUrl : provider.defaultBaseUrl();
    }

    /** The API key's value, or null when none is configured. */
    public String apiKeyValue() {
        return apiKey == null || apiKey.isEmpty() ? null : apiKey.value();
    }

    public ModelSettings withProvider(Provider newProvider, String newBaseUrl, Secret newApiKey) {
        return new ModelSettings(newProvider, name, newBaseUrl, newApiKey, temperature, maxOutputTokens, timeout);
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = URI.create(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
