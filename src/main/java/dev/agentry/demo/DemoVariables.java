package dev.agentry.demo;

import dev.agentry.asset.VariableDefaults;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * In demo mode, points the bundled toolsets' variables at the simulators. The environment still
 * wins, so setting {@code GOOGLE_CALENDAR_BASE_URL} and its token makes the demo use the real API.
 */
@ApplicationScoped
public class DemoVariables implements VariableDefaults {

    private final Simulators simulators;

    DemoVariables(Simulators simulators) {
        this.simulators = simulators;
    }

    @Override
    public Map<String, String> defaults() {
        return simulators
                .baseUrl()
                .map(base -> Map.of(
                        "GOOGLE_CALENDAR_BASE_URL",
                        base + "/calendar/v3",
                        "GOOGLE_CALENDAR_TOKEN",
                        Simulators.CALENDAR_TOKEN,
                        "SALESFORCE_INSTANCE_URL",
                        base,
                        "SALESFORCE_ACCESS_TOKEN",
                        Simulators.SALESFORCE_TOKEN))
                .orElse(Map.of());
    }
}
