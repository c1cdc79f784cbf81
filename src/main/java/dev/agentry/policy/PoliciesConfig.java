package dev.agentry.policy;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/** Policies that bind every agent, direct tool tests and calls from code. */
@ConfigMapping(prefix = "agentry.policies")
public interface PoliciesConfig {

    /** Names of files in {@code policies/} applied to every tool call, besides the agent's own. */
    Optional<List<String>> global();
}
