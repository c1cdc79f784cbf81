package dev.agentry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.asset.AssetEntry;
import dev.agentry.asset.AssetEvents;
import dev.agentry.asset.AssetWatcher;
import dev.agentry.asset.AssetsConfig;
import dev.agentry.asset.Redactor;
import dev.agentry.asset.Variables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edits to agent files take effect without a restart, within two seconds, at the default poll interval. */
class AgentCatalogReloadTest {

    @TempDir
    Path agents;

    private AssetsConfig config() {
        return new AssetsConfig() {
            @Override
            public String agentsDir() {
                return agents.toString();
            }

            @Override
            public String toolsDir() {
                return agents.resolve("none").toString();
            }

            @Override
            public String policiesDir() {
                return agents.resolve("none").toString();
            }

            @Override
            public String sandboxDir() {
                return agents.resolve("none").toString();
            }

            @Override
            public java.util.Optional<String> secretsFile() {

                return java.util.Optional.empty();
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofMillis(500);
            }
        };
    }

    @Test
    void an_edited_agent_file_is_in_effect_within_two_seconds() throws Exception {
        Files.writeString(
                agents.resolve("helper.yaml"), "name: helper\nmodel: {provider: openai, name: m}\ninstructions: v1\n");
        AgentCatalog catalog = new AgentCatalog(
                config(), Variables.of(Map.of()), new Redactor(), AssetEvents.NONE, new AssetWatcher(config()));
        assertThat(instructions(catalog)).contains("v1");

        Files.writeString(
                agents.resolve("helper.yaml"),
                "name: helper\nmodel: {provider: openai, name: m}\ninstructions: v2, longer\n");

        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!instructions(catalog).equals(Optional.of("v2, longer")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(instructions(catalog)).contains("v2, longer");
    }

    private static Optional<String> instructions(AgentCatalog catalog) {
        return catalog.find("helper")
                .filter(entry -> entry instanceof AssetEntry.Valid<AgentDefinition>)
                .map(entry ->
                        ((AssetEntry.Valid<AgentDefinition>) entry).value().instructions());
    }
}
