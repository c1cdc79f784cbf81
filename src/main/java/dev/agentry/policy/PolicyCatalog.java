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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The policies in {@code policies/}: the one reader of that folder. Every condition is compiled and
 * type-checked when its file loads, so a policy that would fail to evaluate a rule's syntax is invalid
 * at once, with the file, line and rule. Edits apply within a poll interval.
 */
@Startup
@ApplicationScoped
public class PolicyCatalog {

    private final ConditionCompiler compiler;
    /** The compiled form of each policy as last loaded, by name; a stale one is recompiled on use. */
    private final Map<String, CompiledPolicy> compiled = new ConcurrentHashMap<>();

    private final AssetCatalog<Policy> catalog;

    PolicyCatalog(
            AssetsConfig config,
            Variables variables,
            Redactor redactor,
            AssetEvents events,
            AssetWatcher watcher,
            ConditionCompiler compiler) {
        this.compiler = compiler;
        catalog = new AssetCatalog<>(
                "policy",
                new AssetFolder(config.policiesDir()),
                Policy.class,
                Policy::name,
                variables,
                redactor,
                events,
                policy -> compiled.put(policy.name(), CompiledPolicy.compile(policy, compiler)));
        catalog.refresh();
        watcher.watch(catalog::refresh);
    }

    public List<AssetEntry<Policy>> list() {
        return catalog.list();
    }

    public Optional<AssetEntry<Policy>> find(String name) {
        return catalog.find(name);
    }

    /** The valid policy named {@code name}, compiled; empty when it is missing or invalid. */
    public Optional<CompiledPolicy> compiled(String name) {
        return catalog.findValid(name).map(policy -> {
            CompiledPolicy current = compiled.get(name);
            if (current != null && current.policy() == policy) {
                return current;
            }
            // A file of the same name that loaded but was then replaced by an invalid twin, or a
            // race with a reload: compile what the catalog holds now.
            CompiledPolicy fresh = CompiledPolicy.compile(policy, compiler);
            compiled.put(name, fresh);
            return fresh;
        });
    }

    /** Compiles a policy that is not a file, such as a draft to simulate. */
    public CompiledPolicy compile(Policy policy) {
        return CompiledPolicy.compile(policy, compiler);
    }
}
