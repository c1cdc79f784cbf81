package dev.agentry.demo;

import dev.agentry.StartOrder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * The demo's simulated outside world on one embedded WireMock server: a scripted OpenAI-compatible
 * model, Google Calendar API v3 and Salesforce REST, each in its real wire format (paths, headers,
 * bodies, error shapes), so that the production clients are what the demo exercises. Started only
 * when demo mode is on; a production start loads no WireMock class (see {@link SimulatedWorld}).
 */
@ApplicationScoped
public class Simulators {

    static final String CALENDAR_TOKEN = "demo-google-calendar-token";
    static final String SALESFORCE_TOKEN = "demo-salesforce-token";
    static final String SALESFORCE_API = "/services/data/v60.0";
    static final String GOOGLE_CLIENT_ID = "demo-google-client.apps.googleusercontent.com";
    static final String GOOGLE_CLIENT_SECRET = "demo-google-client-secret";
    static final String GOOGLE_REFRESH_TOKEN = "demo-google-refresh-token";
    static final String SALESFORCE_CLIENT_ID = "demo-salesforce-consumer-key";
    static final String SALESFORCE_CLIENT_SECRET = "demo-salesforce-consumer-secret";
    /** The domains the demo's people are at: the trusted-domains policy lets invitations go only there. */
    static final String TRUSTED_DOMAINS = "acme.example,example.com";

    /** The running simulators in demo mode; null otherwise, and then WireMock is never loaded. */
    private final SimulatedWorld world;

    Simulators(DemoConfig config) {
        world = config.enabled() ? new SimulatedWorld(config.port()) : null;
    }

    /**
     * In demo mode, starts the simulators on a thread of their own as the service's start begins (half
     * a second, which this way overlaps the rest of the start); the toolsets that point at them wait.
     */
    static void startEarly(
            @Observes @Priority(StartOrder.BACKGROUND) StartupEvent event, DemoConfig config, Simulators simulators) {
        if (config.enabled()) {
            StartOrder.inBackground("agentry-simulators-start", simulators::baseUrl);
        }
    }

    /** Where the simulators listen, such as {@code http://127.0.0.1:41234}; empty when demo mode is off. */
    public Optional<String> baseUrl() {
        return world == null ? Optional.empty() : Optional.of(world.baseUrl());
    }

    void stop(@Observes ShutdownEvent event) {
        if (world != null) {
            world.stop();
        }
    }
}
