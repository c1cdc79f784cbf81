package dev.agentry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of toolset, built by the packaged service as users start it: a declarative HTTP toolset,
 * an OpenAPI toolset made from a document beside it, and an MCP server over stdio. Tests that build a
 * factory by hand prove the factory; this proves the product has it.
 */
class PackagedToolsetsIT {

    private static final String ADMIN_KEY = "toolsets-test-admin-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void the_packaged_service_builds_http_openapi_and_mcp_toolsets() throws Exception {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        Path assets = Path.of("src", "test", "resources", "assets", "tools");
        // leaky.yaml's timeout is, by mistake, a credential: its error quotes the variable, not the value.
        for (String file : new String[] {"echo.yaml", "pets.yaml", "notes.yaml", "leaky.yaml"}) {
            Files.copy(assets.resolve(file), tools.resolve(file));
        }
        // The notebook may also tell what environment its server process sees, given one variable.
        Files.writeString(
                tools.resolve("notes.yaml"),
                Files.readString(tools.resolve("notes.yaml"))
                                .replace("allow: [add_note, list_notes]", "allow: [add_note, list_notes, environment]")
                        + "env:\n  NOTES_MODE: ${TEST_NOTES_MODE}\n");
        Files.createDirectories(tools.resolve("specs"));
        Files.copy(assets.resolve("specs/petstore.yaml"), tools.resolve("specs/petstore.yaml"));
        int port = PackagedService.freePort();
        Path classes = dir.resolve("classes.txt");
        ProcessBuilder builder = new ProcessBuilder(PackagedService.command(
                        "-Xlog:class+load=info:file=" + classes,
                        "-Dquarkus.http.port=" + port,
                        "-Dagentry.admin-key=" + ADMIN_KEY,
                        "-Dagentry.sandbox.warm-on-start=false",
                        "-Dagentry.tools-dir=" + tools,
                        "-Dagentry.agents-dir=" + Files.createDirectories(dir.resolve("agents")),
                        "-Dagentry.audit.signing-key-file=" + dir.resolve("key.pem"),
                        "-Dagentry.store.url=jdbc:h2:file:" + dir.resolve("store")))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile());
        Map<String, String> environment = builder.environment();
        environment.put("TEST_TOOLS_URL", "http://127.0.0.1:9/tools");
        environment.put("TEST_TOOLS_TOKEN", "packaged-test-token-4711");
        environment.put("TEST_JAVA", ProcessHandle.current().info().command().orElse("java"));
        environment.put("TEST_CLASSPATH", System.getProperty("java.class.path"));
        environment.put("TEST_NOTES_MODE", "plain-notes");
        environment.put("AGENTRY_DATABASE_PASSWORD", "service-only-secret-4711");
        Process service = builder.start();
        try {
            JsonNode toolsets = new ObjectMapper().readTree(awaitTools(port));

            for (String name : new String[] {"echo", "pets", "notes"}) {
                JsonNode toolset = find(toolsets, name);
                assertThat(toolset.path("error").isNull())
                        .as("toolset %s: %s", name, toolset.path("error"))
                        .isTrue();
                assertThat(toolset.path("tools").size()).as("tools of %s", name).isPositive();
            }
            assertThat(find(toolsets, "pets").path("tools").findValuesAsText("name"))
                    .containsExactly("list_pets", "show_pet_by_id");
            assertThat(find(toolsets, "notes").path("tools").findValuesAsText("name"))
                    .contains("add_note", "list_notes");

            // A stdio server sees its own env: and the basics, none of the service's other variables.
            HttpResponse<String> seen = HTTP.send(
                    PackagedService.request(port, "/v1/tools/notes/environment/test", ADMIN_KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(seen.statusCode()).as(seen.body()).isEqualTo(200);
            JsonNode names = new ObjectMapper()
                    .readTree(new ObjectMapper()
                            .readTree(seen.body())
                            .at("/output")
                            .asText());
            List<String> variables = new ArrayList<>();
            names.forEach(name -> variables.add(name.asText()));
            assertThat(variables).contains("NOTES_MODE", "PATH");
            assertThat(variables)
                    .doesNotContain(
                            "AGENTRY_DATABASE_PASSWORD", "TEST_TOOLS_TOKEN", "TEST_CLASSPATH", "TEST_NOTES_MODE");
            // A production start loads none of the demo's simulators, nor WireMock (its classes are
            // named com.github.tomakehurst.wiremock and, shaded, wiremock.*), from the jars or a cache.
            List<String> loaded = Files.readAllLines(classes);
            assertThat(loaded).anyMatch(line -> line.contains(" dev.agentry.run.RunService "));
            assertThat(loaded)
                    .noneMatch(line -> line.contains("wiremock")
                            || line.contains("dev.agentry.demo.SimulatedWorld")
                            || line.contains("dev.agentry.demo.ScriptedModel")
                            || line.contains("dev.agentry.demo.EchoCreated"));

            // A credential pasted into an address by mistake is logged with the refusal, masked.
            HttpResponse<String> denied = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/runs/packaged-test-token-4711"))
                            .header("Authorization", "Bearer not-a-key-of-this-service")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(denied.statusCode()).isEqualTo(401);
            Thread.sleep(200); // the log line is written as the answer goes out
            String log = Files.readString(dir.resolve("service.log"));
            assertThat(log).contains("auth.denied: /v1/runs/****");
            assertThat(log).contains("leaky.yaml").contains("got '${TEST_TOOLS_TOKEN}'");
            assertThat(log).doesNotContain("packaged-test-token-4711");
        } finally {
            service.destroy();
            if (!service.waitFor(20, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    private static JsonNode find(JsonNode toolsets, String name) {
        for (JsonNode toolset : toolsets) {
            if (name.equals(toolset.path("name").asText())) {
                return toolset;
            }
        }
        throw new AssertionError("no toolset '" + name + "' in " + toolsets);
    }

    private static String awaitTools(int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/tools"))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .timeout(Duration.ofSeconds(60))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return answer.body();
                }
            } catch (ConnectException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the service did not answer within 60 s");
    }
}
