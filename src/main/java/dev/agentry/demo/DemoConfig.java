package dev.agentry.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The offline demo: simulated model and APIs on embedded WireMock, and one run shown at start. */
@ConfigMapping(prefix = "agentry.demo")
public interface DemoConfig {

    /** Starts the simulators and runs each of {@link #agent()} once at startup; {@code ./agentry demo} sets it. */
    @WithDefault("false")
    boolean enabled();

    /** The bundled agents the demo runs at startup, one after the other (comma-separated); empty runs none. */
    @WithDefault("meeting-scheduler,crm-follow-up,data-analyst")
    Optional<List<String>> agent();

    /** Port of the simulators; 0 picks a free one. */
    @WithDefault("0")
    int port();
}
