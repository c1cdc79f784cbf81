package dev.agentry.run;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long a tool call waits for a person before its approval expires (which counts as a rejection). */
@ConfigMapping(prefix = "agentry.approvals")
public interface ApprovalsConfig {

    @WithDefault("24h")
    Duration timeout();
}
