package dev.agentry.asset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link Variables} asset files read: the environment, then the secrets file if one is
 * configured, then any {@link VariableDefaults}.
 */
@ApplicationScoped
public class VariablesProducer {

    @Produces
    @ApplicationScoped
    Variables variables(@Any Instance<VariableDefaults> defaults, AssetsConfig config) {
        Map<String, String> fallback = new HashMap<>();
        defaults.forEach(source -> fallback.putAll(source.defaults()));
        Variables secrets = config.secretsFile()
                .map(file -> SecretsFile.read(
                        Path.of(file),
                        Path.of(""),
                        java.util.List.of(
                                Path.of(config.agentsDir()),
                                Path.of(config.toolsDir()),
                                Path.of(config.policiesDir()),
                                Path.of(config.sandboxDir()))))
                .orElse(name -> java.util.Optional.empty());
        return Variables.environment().orElse(secrets).orElse(Variables.of(fallback));
    }
}
