package dev.agentry.model.anthropic;

import dev.agentry.AgentryException;
import dev.agentry.model.ModelClient;
import dev.agentry.model.ModelProvider;
import dev.agentry.model.ModelSettings;
import dev.agentry.model.ModelsConfig;
import dev.agentry.model.Provider;
import dev.agentry.model.langchain4j.ChatModelClient;
import dev.agentry.model.langchain4j.RetryingHttpClient;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import jakarta.enterprise.context.ApplicationScoped;

/** Anthropic's Messages API. */
@ApplicationScoped
public class AnthropicModelProvider implements ModelProvider {

    /** Anthropic requires a reply cap; this one fits tool-calling turns comfortably. */
    private static final int DEFAULT_MAX_TOKENS = 4096;

    private final ModelsConfig config;

    public AnthropicModelProvider(ModelsConfig config) {
        this.config = config;
    }

    @Override
    public Provider provider() {
        return Provider.ANTHROPIC;
    }

    @Override
    public ModelClient create(String agent, ModelSettings settings) {
        if (settings.apiKeyValue() == null) {
            throw new AgentryException.InvalidInput(
                    422,
                    "agent '" + agent + "' uses provider anthropic without an api-key; add "
                            + "'api-key: ${ANTHROPIC_API_KEY}' to its model block and set that variable");
        }
        AnthropicChatModel model = AnthropicChatModel.builder()
                .httpClientBuilder(RetryingHttpClient.builder(config.retryPolicy()))
                .baseUrl(settings.effectiveBaseUrl())
                .apiKey(settings.apiKeyValue())
                .modelName(settings.name())
                .temperature(settings.temperature())
                .maxTokens(settings.maxOutputTokens() == null ? DEFAULT_MAX_TOKENS : settings.maxOutputTokens())
                .timeout(settings.timeout())
                .maxRetries(0)
                .build();
        return new ChatModelClient(
                model, "anthropic model '" + settings.name() + "' at " + settings.effectiveBaseUrl());
    }
}
