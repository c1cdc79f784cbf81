package dev.agentry.policy;

import dev.agentry.asset.AssetEvents;
import dev.agentry.asset.AssetWatcher;
import dev.agentry.asset.AssetsConfig;
import dev.agentry.asset.Redactor;
import dev.agentry.asset.Variables;
import dev.agentry.policy.cel.CelConditions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The policy engine the service runs, over one folder of policy files, for tests outside CDI. */
public final class PolicyFolder {

    private PolicyFolder() {}

    /**
     * @param variables what {@code ${NAME}} in the files expands to
     * @param global the policies that bind every call
     */
    public static RulesPolicyEngine engine(String folder, Map<String, String> variables, List<String> global) {
        return engine(folder, variables, global, new CelConditions());
    }

    /** @param conditions how rule conditions are compiled and evaluated */
    public static RulesPolicyEngine engine(
            String folder, Map<String, String> variables, List<String> global, ConditionCompiler conditions) {
        AssetsConfig assets = new AssetsConfig() {
            @Override
            public String agentsDir() {
                return folder;
            }

            @Override
            public String toolsDir() {
                return folder;
            }

            @Override
            public String policiesDir() {
                return folder;
            }

            @Override
            public String sandboxDir() {
                return folder;
            }

            @Override
            public Optional<String> secretsFile() {
                return Optional.empty();
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofHours(1);
            }
        };
        PolicyCatalog catalog = new PolicyCatalog(
                assets,
                Variables.of(variables),
                new Redactor(),
                AssetEvents.NONE,
                new AssetWatcher(assets),
                conditions);
        return new RulesPolicyEngine(catalog, () -> Optional.of(List.copyOf(global)));
    }
}
