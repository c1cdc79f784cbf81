package dev.agentry.run;

import dev.agentry.StartOrder;
import dev.agentry.agent.AgentCatalog;
import dev.agentry.agent.AgentDefinition;
import dev.agentry.asset.AssetEntry;
import dev.agentry.sandbox.CodeSandbox;
import dev.agentry.sandbox.SandboxCatalog;
import dev.agentry.sandbox.SandboxConfig;
import dev.agentry.sandbox.SandboxProfile;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * At startup, gets the sandbox ready for every valid profile a valid agent with {@code code.run}
 * names, so that an agent's first execution finds warm workers; profiles no agent uses start nothing.
 * It is the first thing the service does on start: a worker JVM takes seconds to warm up, and it
 * does so while the rest of the service (tools, policies, the HTTP port) comes up. That is also why
 * it does not resolve the agents' tools and policies first; an agent that cannot run for another
 * reason has its profile warmed all the same.
 */
@ApplicationScoped
public class SandboxWarmUp {

    private final SandboxConfig config;
    private final AgentCatalog agents;
    private final SandboxCatalog profiles;
    private final CodeSandbox sandbox;

    SandboxWarmUp(SandboxConfig config, AgentCatalog agents, SandboxCatalog profiles, CodeSandbox sandbox) {
        this.config = config;
        this.agents = agents;
        this.profiles = profiles;
        this.sandbox = sandbox;
    }

    void onStart(@Observes @Priority(StartOrder.SANDBOX_WORKERS) StartupEvent event) {
        if (config.warmOnStart()) {
            profilesInUse().forEach(sandbox::prepare);
        }
    }

    /** The valid profiles of the valid agents that may run code, each once. */
    public Set<SandboxProfile> profilesInUse() {
        Set<SandboxProfile> used = new LinkedHashSet<>();
        for (AssetEntry<AgentDefinition> entry : agents.list()) {
            if (entry instanceof AssetEntry.Valid<AgentDefinition> valid
                    && valid.value().tools().stream()
                            .anyMatch(tool -> tool.equals("code.run") || tool.equals("code.*"))) {
                profiles.findValid(valid.value().sandbox()).ifPresent(used::add);
            }
        }
        return used;
    }
}
