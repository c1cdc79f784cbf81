package dev.agentry.asset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.agent.AgentDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssetCatalogTest {

    @TempDir
    Path dir;

    private final Redactor redactor = new Redactor();
    private final List<AssetChange> changes = new java.util.ArrayList<>();

    private AssetCatalog<AgentDefinition> catalog() {
        return new AssetCatalog<>(
                "agent",
                new AssetFolder(dir.toString()),
                AgentDefinition.class,
                AgentDefinition::name,
                Variables.of(Map.of("KEY", "sk-catalog-secret")),
                redactor,
                changes::add);
    }

    private static String agent(String name) {
        return "name: " + name + "\nmodel:\n  provider: openai\n  name: m\n  api-key: ${KEY}\ninstructions: Help.\n";
    }

    private void write(String file, String content) throws IOException {
        Path path = dir.resolve(file);
        Files.writeString(path, content);
        // make each write visible to the change detector even within one clock tick
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().plusMillis((long) (Math.random() * 1000))));
    }

    @Test
    void a_broken_file_is_listed_as_invalid_and_leaves_the_others_alone() throws IOException {
        write("good.yaml", agent("good"));
        write("bad.yaml", "name: bad\nmodel: [\n");

        AssetCatalog<AgentDefinition> catalog = catalog();
        catalog.refresh();

        assertThat(catalog.findValid("good")).isPresent();
        assertThat(catalog.find("bad")).get().isInstanceOf(AssetEntry.Invalid.class);
        AssetEntry.Invalid<AgentDefinition> bad =
                (AssetEntry.Invalid<AgentDefinition>) catalog.find("bad").get();
        assertThat(bad.problem().file()).isEqualTo(dir + "/bad.yaml");
        assertThat(bad.problem().line()).isEqualTo(3);
    }

    @Test
    void every_load_rejection_and_removal_is_reported_with_the_files_sha256() throws Exception {
        write("good.yaml", agent("good"));
        write("bad.yaml", "name: bad\nmodel: [\n");
        AssetCatalog<AgentDefinition> catalog = catalog();
        catalog.refresh();
        Files.delete(dir.resolve("good.yaml"));
        catalog.refresh();

        String good = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(agent("good").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String bad = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("name: bad\nmodel: [\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(changes)
                .containsExactlyInAnyOrder(
                        new AssetChange.Loaded("agent", "good", dir + "/good.yaml", good),
                        new AssetChange.Rejected(
                                "agent",
                                "bad",
                                dir + "/bad.yaml",
                                bad,
                                ((AssetEntry.Invalid<?>) catalog.find("bad").orElseThrow())
                                        .problem()
                                        .describe()),
                        new AssetChange.Removed("agent", dir + "/good.yaml"));
        assertThat(changes.getLast()).isEqualTo(new AssetChange.Removed("agent", dir + "/good.yaml"));
    }

    @Test
    void a_variable_repeated_through_aliases_past_the_expansion_bound_makes_the_file_invalid() throws IOException {
        write(
                "bomb.yaml",
                "name: bomb\ndescription: &d \"${BIG}\"\nmodel: {provider: openai, name: m}\n"
                        + "instructions: *d\ntools: [" + String.join(", ", java.util.Collections.nCopies(20, "*d"))
                        + "]\n");
        AssetCatalog<AgentDefinition> catalog = new AssetCatalog<>(
                "agent",
                new AssetFolder(dir.toString()),
                AgentDefinition.class,
                AgentDefinition::name,
                Variables.of(Map.of("BIG", "x".repeat(1_000_000))),
                redactor,
                changes::add);

        catalog.refresh();

        AssetEntry.Invalid<?> bomb =
                (AssetEntry.Invalid<?>) catalog.find("bomb").orElseThrow();
        assertThat(bomb.problem().message())
                .isEqualTo("makes the file's ${...} variables expand to more than 8388608 characters (aliases count"
                        + " each time they are used); use the variable in fewer places or make it shorter");
    }

    @Test
    void the_name_must_match_the_file() throws IOException {
        write("alpha.yaml", agent("beta"));

        AssetCatalog<AgentDefinition> catalog = catalog();
        catalog.refresh();

        AssetEntry.Invalid<AgentDefinition> entry =
                (AssetEntry.Invalid<AgentDefinition>) catalog.find("alpha").get();
        assertThat(entry.problem().describe())
                .isEqualTo(dir + "/alpha.yaml:1: field 'name' is 'beta' but the file is alpha.yaml; make the two"
                        + " the same (rename the file or change the name)");
    }

    @Test
    void a_file_name_that_is_not_a_valid_name_is_refused() throws IOException {
        write("Bad Name.yaml", agent("x"));

        AssetCatalog<AgentDefinition> catalog = catalog();
        catalog.refresh();

        assertThat(catalog.list()).singleElement().satisfies(entry -> {
            assertThat(entry).isInstanceOf(AssetEntry.Invalid.class);
            assertThat(((AssetEntry.Invalid<?>) entry).problem().message())
                    .startsWith("has a name that is not allowed: agent file names are lowercase letters");
        });
    }

    @Test
    void the_same_name_in_two_files_is_invalid_in_both() throws IOException {
        write("twin.yaml", agent("twin"));
        write("twin.yml", agent("twin"));

        AssetCatalog<AgentDefinition> catalog = catalog();
        catalog.refresh();

        AssetEntry.Invalid<AgentDefinition> twin =
                (AssetEntry.Invalid<AgentDefinition>) catalog.find("twin").get();
        assertThat(twin.problem().message())
                .isEqualTo("defines agent 'twin' a second time (" + dir + "/twin.yaml and " + dir
                        + "/twin.yml); remove one");
    }

    @Test
    void picks_up_added_changed_and_removed_files() throws IOException {
        AssetCatalog<AgentDefinition> catalog = catalog();
        assertThat(catalog.refresh()).isFalse();

        write("one.yaml", agent("one"));
        assertThat(catalog.refresh()).isTrue();
        assertThat(catalog.findValid("one")).isPresent();

        write("one.yaml", agent("one").replace("Help.", "Help more."));
        catalog.refresh();
        assertThat(catalog.findValid("one").get().instructions()).isEqualTo("Help more.");

        Files.delete(dir.resolve("one.yaml"));
        catalog.refresh();
        assertThat(catalog.find("one")).isEmpty();
        assertThat(catalog.refresh()).isFalse();
    }

    @Test
    void ignores_links_that_leave_the_folder(@TempDir Path elsewhere) throws IOException {
        Path outside = elsewhere.resolve("outside.yaml");
        Files.writeString(outside, agent("outside"));
        Files.createSymbolicLink(dir.resolve("outside.yaml"), outside);
        write("inside-target.yaml", agent("inside-target"));
        Files.createSymbolicLink(dir.resolve("inside.yaml"), dir.resolve("inside-target.yaml"));

        AssetCatalog<AgentDefinition> catalog = catalog();
        catalog.refresh();

        assertThat(catalog.find("outside")).isEmpty();
        assertThat(catalog.find("inside")).isPresent();
    }

    @Test
    void registers_the_secrets_of_valid_files_with_the_redactor() throws IOException {
        write("one.yaml", agent("one"));

        catalog().refresh();

        assertThat(redactor.scrub("token sk-catalog-secret here")).isEqualTo("token **** here");
    }
}
