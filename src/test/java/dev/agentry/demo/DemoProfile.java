package dev.agentry.demo;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The service as ./agentry demo starts it, on the bundled asset folders, without the startup run. */
public final class DemoProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "agentry.demo.enabled", "true",
                "agentry.demo.agent", "",
                "agentry.agents-dir", "agents",
                "agentry.tools-dir", "tools",
                "agentry.policies-dir", "policies",
                // The test profile's global policy lives in the test assets, not in policies/.
                "agentry.policies.global", "",
                "agentry.sandbox-dir", "sandbox");
    }
}
