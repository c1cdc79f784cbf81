package dev.agentry.policy;

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

/** The policies in {@code policies/}: the one reader of that folder. Edits apply within a poll interval. */
@Startup
@ApplicationScoped
public class PolicyCatalog {

    private final AssetCatalog<Policy> catalog;

    PolicyCatalog(
            AssetsConfig config, Variables variables, Redactor redactor, AssetEvents events, AssetWatcher watcher) {
        catalog = new AssetCatalog<>(
                "policy",
                new AssetFolder(config.policiesDir()),
                Policy.class,
                Policy::name,
                variables,
                redactor,
                events);
        catalog.refresh();
        watcher.watch(catalog::refresh);
    }

    public List<AssetEntry<Policy>> list() {
        return catalog.list();
    }

    public Optional<AssetEntry<Policy>> find(String name) {
        return catalog.find(name);
    }
}
