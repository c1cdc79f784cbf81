package dev.agentry.model;

import dev.agentry.AgentryException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out one client per agent and model settings; clients hold connection pools, so they are
 * built once and reused until the agent's settings change.
 */
@ApplicationScoped
public class ModelClients {

    private static final int MAX_CACHED = 256;

    private final Map<Provider, ModelProvider> providers = new EnumMap<>(Provider.class);
    private final Map<Key, ModelClient> clients = new ConcurrentHashMap<>();

    ModelClients(@Any Instance<ModelProvider> available) {
        available.forEach(provider -> providers.put(provider.provider(), provider));
    }

    private record Key(String agent, ModelSettings settings) {}

    public ModelClient clientFor(String agent, ModelSettings settings) {
        if (clients.size() > MAX_CACHED) {
            clients.clear();
        }
        return clients.computeIfAbsent(new Key(agent, settings), key -> create(key.agent(), key.settings()));
    }

    /** The provider for {@code provider}, for adapters that build on another one. */
    public ModelProvider provider(Provider provider) {
        ModelProvider found = providers.get(provider);
        if (found == null) {
            throw new AgentryException.Unavailable(
                    "model provider '" + provider + "' is not available in this build of Agentry");
        }
        return found;
    }

    private ModelClient create(String agent, ModelSettings settings) {
        return provider(settings.provider()).create(agent, settings);
    }
}
