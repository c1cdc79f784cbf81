package dev.agentry.asset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsFileTest {

    @TempDir
    Path home;

    @TempDir
    Path project;

    @Test
    void reads_dotenv_lines_outside_the_project() throws Exception {
        Path file = Files.writeString(home.resolve("secrets.env"), """
                # Agentry's secrets
                HUBSPOT_ACCESS_TOKEN=pat-eu1-123
                export SALESFORCE_CLIENT_SECRET = "with spaces = and equals"
                FUNCTIONS_TOKEN='single'

                EMPTY=
                """);

        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        Variables variables = SecretsFile.read(file, project, List.of());

        assertThat(variables.lookup("HUBSPOT_ACCESS_TOKEN")).contains("pat-eu1-123");
        assertThat(variables.lookup("SALESFORCE_CLIENT_SECRET")).contains("with spaces = and equals");
        assertThat(variables.lookup("FUNCTIONS_TOKEN")).contains("single");
        assertThat(variables.lookup("EMPTY")).contains("");
        assertThat(variables.lookup("MISSING")).isEmpty();
    }

    @Test
    void a_file_inside_the_project_a_missing_file_and_a_bad_line_stop_the_start_with_the_fix() throws Exception {
        Path inside = Files.writeString(project.resolve("secrets.env"), "A=b\n");
        Path bad = Files.writeString(home.resolve("bad.env"), "A=b\nnot a variable\n");
        Files.setPosixFilePermissions(bad, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> SecretsFile.read(inside, project, List.of()))
                .hasMessageContaining("is inside the project folder")
                .hasMessageContaining("move it outside");
        assertThatThrownBy(() -> SecretsFile.read(home.resolve("nope.env"), project, List.of()))
                .hasMessageStartingWith("agentry.secrets-file: " + home.resolve("nope.env") + " cannot be read");
        assertThatThrownBy(() -> SecretsFile.read(bad, project, List.of()))
                .hasMessage("agentry.secrets-file: " + bad + ":2: is not NAME=value; write one variable per line,"
                        + " such as OPENAI_API_KEY=sk-...");
    }

    @Test
    void a_file_other_users_can_read_or_one_inside_an_asset_folder_is_refused() throws Exception {
        Path shared = Files.writeString(home.resolve("shared.env"), "A=b\n");
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path tools = Files.createDirectories(home.resolve("deployed-tools"));
        Path inTools = Files.writeString(tools.resolve("secrets.env"), "A=b\n");
        Files.setPosixFilePermissions(inTools, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> SecretsFile.read(shared, project, List.of()))
                .hasMessage("agentry.secrets-file: " + shared.toRealPath() + " can be read by other users"
                        + " (rw-r--r--); chmod 600 it");
        assertThatThrownBy(() -> SecretsFile.read(inTools, project, List.of(tools)))
                .hasMessageContaining("is inside the asset folder " + tools.toRealPath())
                .hasMessageContaining("move it outside");
    }
}
