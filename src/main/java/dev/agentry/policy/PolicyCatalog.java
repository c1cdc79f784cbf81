package dev.agentry.policy;

import dev.agentry.asset.AssetBinder;
import dev.agentry.asset.AssetCatalog;
import dev.agentry.asset.AssetEntry;
import dev.agentry.asset.AssetEvents;
import dev.agentry.asset.AssetFolder;
import dev.agentry.asset.AssetWatcher;
import dev.agentry.asset.AssetsConfig;
import dev.agentry.asset.FieldException;
import dev.agentry.asset.InvalidAssetException;
import dev.agentry.asset.Redactor;
import dev.agentry.asset.StrictYaml;
import dev.agentry.asset.Variables;
import dev.agentry.asset.YamlTree;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
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
    private final Variables variables;
    private final AssetBinder binder = AssetBinder.create();
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
        this.variables = variables;
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

    /**
     * A policy that is not a file, such as a draft to simulate, read and checked as a file would be.
     *
     * @throws InvalidAssetException naming the line and field, as for a file called {@code draft policy}
     */
    public CompiledPolicy draft(String yaml) {
        String file = "draft policy";
        YamlTree tree = StrictYaml.read(file, yaml.getBytes(StandardCharsets.UTF_8));
        AssetBinder.Bound<Policy> bound = binder.bind(file, tree, Policy.class, variables);
        try {
            return CompiledPolicy.compile(bound.value(), compiler);
        } catch (FieldException e) {
            throw new InvalidAssetException(AssetBinder.problemAt(file, tree, e));
        }
    }
}
