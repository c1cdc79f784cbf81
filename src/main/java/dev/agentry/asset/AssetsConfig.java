package dev.agentry.asset;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/** Where Agentry finds its asset folders, and how quickly it notices edits. */
@ConfigMapping(prefix = "agentry")
public interface AssetsConfig {

    /** Folder of agent definitions ({@code *.yaml}); env {@code AGENTRY_AGENTS_DIR}. */
    @WithDefault("agents")
    String agentsDir();

    /** Folder of toolsets ({@code *.yaml}); env {@code AGENTRY_TOOLS_DIR}. */
    @WithDefault("tools")
    String toolsDir();

    /** Folder of guardrail policies ({@code *.yaml}); env {@code AGENTRY_POLICIES_DIR}. */
    @WithDefault("policies")
    String policiesDir();

    /** Folder of sandbox profiles ({@code *.yaml}); env {@code AGENTRY_SANDBOX_DIR}. */
    @WithDefault("sandbox")
    String sandboxDir();

    /**
     * A file of {@code NAME=value} lines that gives {@code ${NAME}} a value where the environment
     * does not; outside the project folder. Env {@code AGENTRY_SECRETS_FILE}.
     */
    @WithName("secrets-file")
    java.util.Optional<String> secretsFile();

    /** How often the folders are checked for added, changed and removed files. */
    @WithName("assets.poll-interval")
    @WithDefault("500ms")
    Duration pollInterval();
}
