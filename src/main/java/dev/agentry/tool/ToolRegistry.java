package dev.agentry.tool;

import dev.agentry.AgentryException;
import dev.agentry.asset.AssetEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every tool Agentry can call: the toolsets in {@code tools/} plus the built-in ones. Tools are
 * built once per toolset definition, each toolset on its own, and rebuilt when its file changes.
 */
@ApplicationScoped
public class ToolRegistry {

    private final ToolsetCatalog catalog;
    private final Map<Class<?>, ToolsetFactory<?>> factories = new HashMap<>();
    private final Map<String, BuiltInToolset> builtIns = new LinkedHashMap<>();
    private final ToolsetBuilds builds;

    /** How long a caller waits for a toolset being set up; the build itself goes on. */
    static final Duration WAIT = Duration.ofSeconds(60);
    /** The first wait before a failed build is tried again; it doubles up to {@link #LAST_RETRY}. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);

    static final Duration LAST_RETRY = Duration.ofMinutes(5);

    ToolRegistry(
            ToolsetCatalog catalog,
            @Any Instance<ToolsetFactory<?>> factories,
            @Any Instance<BuiltInToolset> builtIns,
            Clock clock) {
        this.catalog = catalog;
        factories.forEach(factory -> this.factories.put(factory.type(), factory));
        builtIns.forEach(toolset -> this.builtIns.put(toolset.name(), toolset));
        this.builds = new ToolsetBuilds(clock, WAIT, FIRST_RETRY, LAST_RETRY);
    }

    /**
     * A toolset as listed: its tools when it could be built, otherwise why not.
     *
     * @param definition what its file says; null for built-in toolsets
     */
    public record Listing(
            String name,
            String description,
            String type,
            ToolsetDefinition definition,
            List<Tool> tools,
            String problem) {}

    /** Every toolset, built-ins first, each with its tools or the reason it has none. */
    public List<Listing> list() {
        List<Listing> listings = new ArrayList<>();
        builtIns.values()
                .forEach(toolset -> listings.add(
                        new Listing(toolset.name(), "Built into Agentry.", "built-in", null, toolset.tools(), null)));
        for (AssetEntry<ToolsetDefinition> entry : catalog.list()) {
            switch (entry) {
                case AssetEntry.Invalid<ToolsetDefinition> invalid ->
                    listings.add(new Listing(
                            entry.name(),
                            "",
                            null,
                            null,
                            List.of(),
                            invalid.problem().describe()));
                case AssetEntry.Valid<ToolsetDefinition> valid -> {
                    ToolsetDefinition definition = valid.value();
                    try {
                        listings.add(new Listing(
                                definition.name(),
                                definition.description(),
                                definition.type(),
                                definition,
                                build(definition),
                                null));
                    } catch (AgentryException e) {
                        listings.add(new Listing(
                                definition.name(),
                                definition.description(),
                                definition.type(),
                                definition,
                                List.of(),
                                e.getMessage()));
                    }
                }
            }
        }
        return listings;
    }

    /**
     * One tool by its toolset and name.
     *
     * @throws AgentryException.NotFound when either does not exist
     * @throws AgentryException.InvalidInput (422) when the toolset is invalid
     */
    public Tool tool(String toolset, String name) {
        if (!builtIns.containsKey(toolset) && catalog.find(toolset).isEmpty()) {
            throw new AgentryException.NotFound(
                    "there is no toolset '" + toolset + "'; the toolsets are " + toolsetNames());
        }
        List<Tool> tools = toolsOf(toolset, toolset + "." + name);
        return tools.stream()
                .filter(tool -> tool.spec().name().equals(name))
                .findFirst()
                .orElseThrow(() ->
                        new AgentryException.NotFound("toolset '" + toolset + "' has no tool '" + name + "'; it has "
                                + tools.stream().map(t -> t.spec().name()).toList()));
    }

    /**
     * The tools that {@code references} ({@code toolset.tool} or {@code toolset.*}) name, in order.
     *
     * @throws AgentryException.InvalidInput (422) naming the first reference that does not resolve
     */
    public List<Tool> resolve(List<String> references) {
        Map<String, Tool> tools = new LinkedHashMap<>();
        for (String reference : references) {
            int dot = reference.indexOf('.');
            String toolset = reference.substring(0, dot);
            String name = reference.substring(dot + 1);
            List<Tool> available = toolsOf(toolset, reference);
            if (name.equals("*")) {
                available.forEach(tool -> tools.putIfAbsent(tool.spec().id(), tool));
                continue;
            }
            Tool tool = available.stream()
                    .filter(candidate -> candidate.spec().name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AgentryException.InvalidInput(
                            422,
                            "tool '" + reference + "' does not exist: toolset '" + toolset + "' has "
                                    + available.stream()
                                            .map(t -> t.spec().name())
                                            .toList()
                                    + "; fix the name in the agent's tools list"));
            tools.putIfAbsent(tool.spec().id(), tool);
        }
        return List.copyOf(tools.values());
    }

    /** The names of every toolset, valid or not; built-ins first. */
    public List<String> toolsetNames() {
        List<String> names = new ArrayList<>(builtIns.keySet());
        catalog.list().forEach(entry -> names.add(entry.name()));
        return names;
    }

    private List<Tool> toolsOf(String toolset, String reference) {
        BuiltInToolset builtIn = builtIns.get(toolset);
        if (builtIn != null) {
            return builtIn.tools();
        }
        AssetEntry<ToolsetDefinition> entry = catalog.find(toolset)
                .orElseThrow(() -> new AgentryException.InvalidInput(
                        422,
                        "tool '" + reference + "' names toolset '" + toolset + "', which does not exist; add tools/"
                                + toolset + ".yaml or use one of " + toolsetNames()));
        return switch (entry) {
            case AssetEntry.Invalid<ToolsetDefinition> invalid ->
                throw new AgentryException.InvalidInput(
                        422,
                        "tool '" + reference + "' names toolset '" + toolset + "', which is invalid: "
                                + invalid.problem().describe());
            case AssetEntry.Valid<ToolsetDefinition> valid -> build(valid.value());
        };
    }

    /** The toolset's tools: each toolset is built on its own, and a failure is remembered for a while. */
    private List<Tool> build(ToolsetDefinition definition) {
        return builds.tools(definition, () -> factoryFor(definition).create(definition));
    }

    @SuppressWarnings("unchecked")
    private <D extends ToolsetDefinition> ToolsetFactory<D> factoryFor(D definition) {
        ToolsetFactory<?> factory = factories.get(definition.getClass());
        if (factory == null) {
            throw new AgentryException.Unavailable(
                    "toolsets of kind " + definition.getClass().getSimpleName() + " are not supported by this build");
        }
        return (ToolsetFactory<D>) factory;
    }
}
