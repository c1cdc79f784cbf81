package dev.agentry.demo;

import dev.agentry.asset.VariableDefaults;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * In demo mode, points the bundled toolsets' variables at the simulators. The environment still
 * wins, so setting {@code GOOGLE_CALENDAR_BASE_URL} and the OAuth client's variables makes the demo use the real API.
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
                        "GOOGLE_CALENDAR_BASE_URL", base + "/calendar/v3",
                        "GOOGLE_TOKEN_URL", base + "/oauth2/token",
                        "GOOGLE_CLIENT_ID", Simulators.GOOGLE_CLIENT_ID,
                        "GOOGLE_CLIENT_SECRET", Simulators.GOOGLE_CLIENT_SECRET,
                        "GOOGLE_REFRESH_TOKEN", Simulators.GOOGLE_REFRESH_TOKEN,
                        "SALESFORCE_INSTANCE_URL", base,
                        "SALESFORCE_CLIENT_ID", Simulators.SALESFORCE_CLIENT_ID,
                        "SALESFORCE_CLIENT_SECRET", Simulators.SALESFORCE_CLIENT_SECRET,
                        "AGENTRY_TRUSTED_DOMAINS", Simulators.TRUSTED_DOMAINS))
                .orElse(Map.of());
    }
}
