package dev.agentry.sandbox;

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

/** The profiles in {@code sandbox/}: the one reader of that folder. Edits apply within a poll interval. */
@Startup
@ApplicationScoped
public class SandboxCatalog {

    private final AssetCatalog<SandboxProfile> catalog;

    public SandboxCatalog(
            AssetsConfig config, Variables variables, Redactor redactor, AssetEvents events, AssetWatcher watcher) {
        catalog = new AssetCatalog<>(
                "sandbox profile",
                new AssetFolder(config.sandboxDir()),
                SandboxProfile.class,
                SandboxProfile::name,
                variables,
                redactor,
                events);
        catalog.refresh();
        watcher.watch(catalog::refresh);
    }

    public List<AssetEntry<SandboxProfile>> list() {
        return catalog.list();
    }

    public Optional<AssetEntry<SandboxProfile>> find(String name) {
        return catalog.find(name);
    }

    public Optional<SandboxProfile> findValid(String name) {
        return catalog.findValid(name);
    }
}
