package dev.agentry.demo;

import dev.agentry.AgentryException;
import dev.agentry.asset.Secret;
import dev.agentry.model.ModelClient;
import dev.agentry.model.ModelClients;
import dev.agentry.model.ModelProvider;
import dev.agentry.model.ModelSettings;
import dev.agentry.model.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Provider {@code demo}: OpenAI's API when {@code OPENAI_API_KEY} is set (base URL from
 * {@code OPENAI_BASE_URL}, default OpenAI), otherwise the scripted model of the demo simulators.
 * One variable switches the bundled agents from the script to a real model; the calendar and CRM
 * stay simulated until their own variables are set.
 */
@ApplicationScoped
public class DemoModelProvider implements ModelProvider {

    static final String API_KEY = "OPENAI_API_KEY";
    static final String BASE_URL = "OPENAI_BASE_URL";

    private final Simulators simulators;
    private final ModelClients clients;

    DemoModelProvider(Simulators simulators, ModelClients clients) {
        this.simulators = simulators;
        this.clients = clients;
    }

    @Override
    public Provider provider() {
        return Provider.DEMO;
    }

    @Override
    public ModelClient create(String agent, ModelSettings settings) {
        ModelProvider openAi = clients.provider(Provider.OPENAI);
        Optional<String> key = environment(API_KEY);
        if (key.isPresent()) {
            String baseUrl = environment(BASE_URL).orElse(Provider.OPENAI.defaultBaseUrl());
            return openAi.create(
                    agent,
                    settings.withProvider(Provider.OPENAI, baseUrl, new Secret(key.get(), "${" + API_KEY + "}")));
        }
        String simulator = simulators
                .baseUrl()
                .orElseThrow(() -> new AgentryException.InvalidInput(
                        422,
                        "agent '" + agent + "' uses model provider 'demo', which answers from the offline demo's script"
                                + " (start with ./agentry demo) or from OpenAI once " + API_KEY + " is set"));
        return openAi.create(
                agent,
                settings.withProvider(Provider.OPENAI, simulator + "/demo/" + agent + "/v1", new Secret("demo", null)));
    }

    private static Optional<String> environment(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
    }
}
