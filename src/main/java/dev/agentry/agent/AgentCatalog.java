package dev.agentry.agent;

import dev.agentry.asset.AssetCatalog;
import dev.agentry.asset.AssetEntry;
import dev.agentry.asset.AssetEvents;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.AssetWatcher;
import dev.agentry.asset.AssetsConfig;
import dev.agentry.asset.Redactor;
import dev.agentry.asset.Variables;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** The agents in {@code agents/}: the one reader of that folder. Edits apply within a poll interval. */
@Startup
@ApplicationScoped
public class AgentCatalog {

    private final AssetCatalog<AgentDefinition> catalog;

    AgentCatalog(
            AssetsConfig config, Variables variables, Redactor redactor, AssetEvents events, AssetWatcher watcher) {
        catalog = new AssetCatalog<>(
                "agent",
                new AssetFolder(config.agentsDir()),
                AgentDefinition.class,
                AgentDefinition::name,
                variables,
                redactor,
                events);
        catalog.refresh();
        watcher.watch(catalog::refresh);
    }

    public List<AssetEntry<AgentDefinition>> list() {
        return catalog.list();
    }

    public Optional<AssetEntry<AgentDefinition>> find(String name) {
        return catalog.find(name);
    }
}
