package dev.agentry.run;

import dev.agentry.agent.AgentCatalog;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.asset.AssetEntry;
import dev.agentry.sandbox.CodeSandbox;
import dev.agentry.sandbox.SandboxCatalog;
import dev.agentry.sandbox.SandboxConfig;
import dev.agentry.sandbox.SandboxProfile;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * At startup, gets the sandbox ready for every profile a runnable agent with {@code code.run} uses,
 * so that an agent's first execution finds warm workers; profiles no agent uses start nothing.
 */
@ApplicationScoped
public class SandboxWarmUp {

    private final SandboxConfig config;
    private final AgentCatalog agents;
    private final AgentResolver resolver;
    private final SandboxCatalog profiles;
    private final CodeSandbox sandbox;

    SandboxWarmUp(
            SandboxConfig config,
            AgentCatalog agents,
            AgentResolver resolver,
            SandboxCatalog profiles,
            CodeSandbox sandbox) {
        this.config = config;
        this.agents = agents;
        this.resolver = resolver;
        this.profiles = profiles;
        this.sandbox = sandbox;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.warmOnStart()) {
            profilesInUse().forEach(sandbox::prepare);
        }
    }

    /** The valid profiles of the runnable agents that may run code, each once. */
    public Set<SandboxProfile> profilesInUse() {
        Set<SandboxProfile> used = new LinkedHashSet<>();
        for (AssetEntry<AgentDefinition> entry : agents.list()) {
            if (entry instanceof AssetEntry.Valid<AgentDefinition> valid
                    && valid.value().tools().stream().anyMatch(tool -> tool.equals("code.run") || tool.equals("code.*"))
                    && resolver.problem(entry).isEmpty()) {
                profiles.findValid(valid.value().sandbox()).ifPresent(used::add);
            }
        }
        return used;
    }
}
