package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A toolset whose server never answers holds up only the callers that need it: another toolset is
 * set up and called meanwhile, and the failure, once known, is answered at once until its retry.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(ToolsetIsolationTest.StuckServer.class)
class ToolsetIsolationTest {

    /** A tools folder with the notebook and an MCP "server" that never says a word. */
    public static final class StuckServer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path tools = Files.createTempDirectory("agentry-tools");
                Files.copy(Path.of("src/test/resources/assets/tools/notes.yaml"), tools.resolve("notes.yaml"));
                Files.writeString(tools.resolve("stuck.yaml"), """
                        name: stuck
                        type: mcp
                        description: A server that never answers.
                        command: [sleep, "60"]
                        timeout: 6s
                        allow: ["*"]
                        """);
                return Map.of("agentry.tools-dir", tools.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void a_toolset_that_never_answers_holds_up_no_other() throws Exception {
        CompletableFuture<Response> stuck = CompletableFuture.supplyAsync(
                () -> given().contentType("application/json").body("{}").post("/v1/tools/stuck/anything/test"));
        // The stuck server is being set up (and will be for 6 s) ...
        Thread.sleep(500);

        // ... while the notebook is set up and called.
        given().contentType("application/json")
                .body("{}")
                .post("/v1/tools/notes/list_notes/test")
                .then()
                .statusCode(200);
        assertThat(stuck).as("the stuck toolset's caller is still waiting").isNotDone();

        Response failed = stuck.get(30, TimeUnit.SECONDS);
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(failed.jsonPath().getString("detail"))
                .startsWith("MCP toolset 'stuck' could not connect to its command [sleep, 60]")
                .contains("(failed 1 time in a row; tried again in ");

        // Remembered: the next caller is answered at once, without starting the server again.
        long t0 = System.nanoTime();
        Response again = given().contentType("application/json").body("{}").post("/v1/tools/stuck/anything/test");
        assertThat(again.statusCode()).isEqualTo(503);
        assertThat(again.jsonPath().getString("detail")).contains("(failed 1 time in a row;");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(5);
    }
}
