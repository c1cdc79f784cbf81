package dev.agentry.model.ollama;

import dev.agentry.model.ModelClient;
import dev.agentry.model.ModelProvider;
import dev.agentry.model.ModelSettings;
import dev.agentry.model.ModelsConfig;
import dev.agentry.model.Provider;
import dev.agentry.model.langchain4j.ChatModelClient;
import dev.agentry.model.langchain4j.RetryingHttpClient;
import dev.langchain4j.model.ollama.OllamaChatModel;
import jakarta.enterprise.context.ApplicationScoped;

/** Ollama's native {@code /api/chat}. */
@ApplicationScoped
public class OllamaModelProvider implements ModelProvider {

    private final ModelsConfig config;

    public OllamaModelProvider(ModelsConfig config) {
        this.config = config;
    }

    @Override
    public Provider provider() {
        return Provider.OLLAMA;
    }

    @Override
    public ModelClient create(String agent, ModelSettings settings) {
        OllamaChatModel model = OllamaChatModel.builder()
                .maxRetries(0)
                .httpClientBuilder(RetryingHttpClient.builder(config.retryPolicy()))
                .baseUrl(settings.effectiveBaseUrl())
                .modelName(settings.name())
                .temperature(settings.temperature())
                .numPredict(settings.maxOutputTokens())
                .timeout(settings.timeout())
                .build();
        return new ChatModelClient(model, "ollama model '" + settings.name() + "' at " + settings.effectiveBaseUrl());
    }
}
