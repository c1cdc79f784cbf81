package dev.agentry.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Who may call Agentry. */
@ConfigMapping(prefix = "agentry")
public interface AccessConfig {

    /**
     * An admin key accepted in addition to the stored ones ({@code AGENTRY_ADMIN_KEY}), for automation
     * and first use; at least 16 characters. Held as a hash in memory, never stored.
     */
    Optional<String> adminKey();

    /**
     * Keys that are not valid one address (for IPv6, one /64 network) may present within {@link
     * #failureWindow()} before it is refused.
     */
    @WithName("access.max-failures")
    @WithDefault("20")
    int maxFailures();

    /** The window over which {@link #maxFailures()} counts, and how long a refused address waits. */
    @WithName("access.failure-window")
    @WithDefault("1m")
    Duration failureWindow();

    /**
     * Web origins (such as {@code https://ops.example.com}) whose pages may call the API from a browser,
     * besides the service's own; requests from any other page are refused. None by default.
     */
    @WithName("http.allowed-origins")
    Optional<List<String>> allowedOrigins();

    /**
     * The claim of an OIDC access token that names the agents its bearer may see: a list, or names
     * separated by spaces or commas. A token without it sees every agent its role allows.
     */
    @WithName("oidc.agents-claim")
    @WithDefault("agentry_agents")
    String oidcAgentsClaim();

    /** Event streams one caller (one key) may hold open at once; more are refused with 429. */
    @WithName("http.max-streams-per-caller")
    @WithDefault("32")
    int maxStreamsPerCaller();
}
