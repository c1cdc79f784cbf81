package dev.agentry.asset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.util.HashMap;
import java.util.Map;

/** The {@link Variables} asset files read: the environment, then any {@link VariableDefaults}. */
@ApplicationScoped
public class VariablesProducer {

    @Produces
    @ApplicationScoped
    Variables variables(@Any Instance<VariableDefaults> defaults) {
        Map<String, String> fallback = new HashMap<>();
        defaults.forEach(source -> fallback.putAll(source.defaults()));
        return Variables.environment().orElse(Variables.of(fallback));
    }
}
