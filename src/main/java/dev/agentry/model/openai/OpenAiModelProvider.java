package dev.agentry.model.openai;

import dev.agentry.model.ModelClient;
import dev.agentry.model.ModelProvider;
import dev.agentry.model.ModelSettings;
import dev.agentry.model.ModelsConfig;
import dev.agentry.model.Provider;
import dev.agentry.model.langchain4j.ChatModelClient;
import dev.agentry.model.langchain4j.RetryingHttpClient;
import dev.langchain4j.model.openai.OpenAiChatModel;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;

/** Any OpenAI-compatible chat-completions endpoint: OpenAI, vLLM, LM Studio, Ollama's {@code /v1}. */
@ApplicationScoped
public class OpenAiModelProvider implements ModelProvider {

    private final ModelsConfig config;

    public OpenAiModelProvider(ModelsConfig config) {
        this.config = config;
    }

    @Override
    public Provider provider() {
        return Provider.OPENAI;
    }

    @Override
    public ModelClient create(String agent, ModelSettings settings) {
        String baseUrl = settings.effectiveBaseUrl();
        OpenAiChatModel.OpenAiChatModelBuilder builder = OpenAiChatModel.builder()
                .httpClientBuilder(RetryingHttpClient.builder(config.retryPolicy()))
                .baseUrl(baseUrl)
                .apiKey(settings.apiKeyValue())
                .modelName(settings.name())
                .temperature(settings.temperature())
                .timeout(settings.timeout())
                .maxRetries(0);
        if (settings.maxOutputTokens() != null) {
            // OpenAI itself wants max_completion_tokens; most compatible servers only know max_tokens.
            if (isOpenAi(baseUrl)) {
                builder.maxCompletionTokens(settings.maxOutputTokens());
            } else {
                builder.maxTokens(settings.maxOutputTokens());
            }
        }
        return new ChatModelClient(builder.build(), "openai-compatible model '" + settings.name() + "' at " + baseUrl);
    }

    private static boolean isOpenAi(String baseUrl) {
        return "api.openai.com".equals(URI.create(baseUrl).getHost());
    }
}
