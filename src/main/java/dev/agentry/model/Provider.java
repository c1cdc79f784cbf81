package dev.agentry.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which kind of endpoint serves an agent's model. */
public enum Provider {
    /** Any OpenAI-compatible chat-completions endpoint: OpenAI, vLLM, LM Studio, Ollama's {@code /v1}. */
    OPENAI("https://api.openai.com/v1"),
    /** Ollama's native API. */
    OLLAMA("http://localhost:11434"),
    /** Anthropic's Messages API. */
    ANTHROPIC("https://api.anthropic.com/v1"),
    /** The offline demo's scripted OpenAI-compatible endpoint, or OpenAI itself once OPENAI_API_KEY is set. */
    DEMO("");

    private final String defaultBaseUrl;

    Provider(String defaultBaseUrl) {
        this.defaultBaseUrl = defaultBaseUrl;
    }

    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
