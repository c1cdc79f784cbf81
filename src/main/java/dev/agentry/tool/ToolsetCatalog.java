package dev.agentry.tool;

import dev.agentry.StartOrder;
import dev.agentry.asset.AssetCatalog;
import dev.agentry.asset.AssetEntry;
import dev.agentry.asset.AssetEvents;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.AssetWatcher;
import dev.agentry.asset.AssetsConfig;
import dev.agentry.asset.Redactor;
import dev.agentry.asset.Variables;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;

/** The toolsets in {@code tools/}: the one reader of that folder. Edits apply within a poll interval. */
@Startup
@ApplicationScoped
public class ToolsetCatalog {

    private final AssetCatalog<ToolsetDefinition> catalog;

    ToolsetCatalog(
            AssetsConfig config, Variables variables, Redactor redactor, AssetEvents events, AssetWatcher watcher) {
        catalog = new AssetCatalog<>(
                "toolset",
                new AssetFolder(config.toolsDir()),
                ToolsetDefinition.class,
                ToolsetDefinition::name,
                variables,
                redactor,
                events);
        catalog.refresh();
        watcher.watch(catalog::refresh);
    }

    /**
     * Loads the toolsets on a thread of their own as the start begins, beside the other slow parts of
     * the start (the run store's migration, the demo's simulators); the start waits for it where it
     * needs them.
     */
    static void loadEarly(@Observes @Priority(StartOrder.BACKGROUND) StartupEvent event, ToolsetCatalog toolsets) {
        StartOrder.inBackground("agentry-toolsets-load", toolsets::list);
    }

    public List<AssetEntry<ToolsetDefinition>> list() {
        return catalog.list();
    }

    public Optional<AssetEntry<ToolsetDefinition>> find(String name) {
        return catalog.find(name);
    }
}
