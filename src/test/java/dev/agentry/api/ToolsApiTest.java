package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /v1/tools, direct tool calls, and an agent using an MCP server's tools. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class ToolsApiTest {

    @Test
    void an_openapi_toolset_is_built_by_the_running_service_from_its_document() {
        given().get("/v1/tools")
                .then()
                .statusCode(200)
                .body("find { it.name == 'pets' }.type", equalTo("openapi"))
                .body("find { it.name == 'pets' }.error", equalTo(null))
                .body("find { it.name == 'pets' }.tools.name", equalTo(List.of("list_pets", "show_pet_by_id")));
    }

    @Test
    void lists_every_toolset_with_tools_schemas_annotations_and_masked_settings() {
        JsonPath tools =
                given().get("/v1/tools").then().statusCode(200).extract().jsonPath();

        assertThat(tools.getList("name", String.class)).contains("code", "echo", "notes");
        assertThat(tools.getString("find { it.name == 'code' }.type")).isEqualTo("built-in");
        assertThat(tools.getString("find { it.name == 'echo' }.type")).isEqualTo("http");
        assertThat(tools.getString("find { it.name == 'echo' }.settings.auth.token"))
                .isEqualTo("${TEST_TOOLS_TOKEN}");
        assertThat(given().get("/v1/tools").asString()).doesNotContain("s3cr3t-test-token-4711");
        // A header filled from a variable is a credential in all but type: masked where it is shown.
        assertThat(tools.getString("find { it.name == 'echo' }.settings.headers.X-Echo-Tenant"))
                .isEqualTo("****");
        assertThat(given().get("/v1/tools").asString()).doesNotContain("tenant-key-4711-abcd");
        assertThat(tools.getMap("find { it.name == 'echo' }.tools.find { it.name == 'say' }.annotations"))
                .isEqualTo(Map.of(
                        "read-only", false, "destructive", true, "idempotent", true, "callable-from-code", true));
        assertThat(tools.getString("find { it.name == 'echo' }.tools.find { it.name == 'say' }.parameters.required[0]"))
                .isEqualTo("text");
        assertThat(tools.getString("find { it.name == 'notes' }.type")).isEqualTo("mcp");
        assertThat(tools.getList("find { it.name == 'notes' }.tools.name", String.class))
                .containsExactly("add_note", "list_notes");
        assertThat(tools.getBoolean("find { it.name == 'notes' }.tools.find { it.name == 'list_notes' }"
                        + ".annotations.read-only"))
                .isTrue();
        assertThat(tools.getString("find { it.name == 'notes' }.error")).isNull();
    }

    @Test
    void an_error_about_a_value_from_a_variable_quotes_the_reference_not_the_value() {
        String listed = given().get("/v1/tools").asString();
        String answered = given().contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/tools/leaky/ping/test")
                .then()
                .statusCode(422)
                .extract()
                .asString();

        assertThat(listed).contains("got '${TEST_TOOLS_TOKEN}'").doesNotContain("s3cr3t-test-token-4711");
        assertThat(answered).contains("got '${TEST_TOOLS_TOKEN}'").doesNotContain("s3cr3t-test-token-4711");
    }

    @Test
    void a_direct_call_is_recorded_as_a_run_of_one_step() {
        JsonPath run = given().contentType(ContentType.JSON)
                .body("{\"text\": \"ping\"}")
                .post("/v1/tools/echo/say/test")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("agent")).isEqualTo("echo.say");
        assertThat(run.getString("trigger.type")).isEqualTo("tool-test");
        assertThat(run.getString("steps[0].tool")).isEqualTo("echo.say");
        assertThat(run.getString("steps[0].result.received.text")).isEqualTo("ping");
        assertThat(run.getString("steps[0].result.auth")).doesNotContain("s3cr3t-test-token-4711");
        given().get("/v1/runs/" + run.getString("id"))
                .then()
                .statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("steps[0].arguments.text", equalTo("ping"));
    }

    @Test
    void an_access_token_fetched_at_run_time_is_scrubbed_like_a_secret_from_a_file() {
        JsonPath run = given().contentType(ContentType.JSON)
                .body("{\"text\": \"who am I\"}")
                .post("/v1/tools/echo-oauth/say/test")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("steps[0].result.auth"))
                .as("the echo server reflects the Authorization header it got")
                .isEqualTo("Bearer ****");
        assertThat(given().get("/v1/runs/" + run.getString("id")).asString())
                .doesNotContain(dev.agentry.fixtures.ScriptedChatServer.ACCESS_TOKEN);
    }

    @Test
    void arguments_that_break_the_schema_make_a_failed_run_that_says_why() {
        JsonPath run = given().contentType(ContentType.JSON)
                .body("{\"count\": 0}")
                .post("/v1/tools/echo/say/test")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(run.getString("status")).isEqualTo("failed");
        assertThat(run.getString("error")).startsWith("error: the arguments do not match the parameters of echo.say");
    }

    @Test
    void unknown_tools_bad_names_and_bad_bodies_are_client_errors() {
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/tools/nope/x/test")
                .then()
                .statusCode(404)
                .body(
                        "detail",
                        equalTo(
                                "there is no toolset 'nope'; the toolsets are [code, echo, echo-oauth, leaky, notes, pets]"));
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/tools/echo/nope/test")
                .then()
                .statusCode(404)
                .body("detail", equalTo("toolset 'echo' has no tool 'nope'; it has [say, slow, broken]"));
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/tools/Echo/say/test")
                .then()
                .statusCode(400);
        given().contentType(ContentType.JSON)
                .body("[1, 2]")
                .post("/v1/tools/echo/say/test")
                .then()
                .statusCode(400)
                .body(
                        "detail",
                        equalTo("the request body must be a JSON object such as {\"q\": \"x\"}, the tool's"
                                + " arguments"));
        given().contentType(ContentType.JSON)
                .body("{\"text\": ")
                .post("/v1/tools/echo/say/test")
                .then()
                .statusCode(400);
    }

    @Test
    void an_agent_uses_the_tools_of_an_mcp_server_started_over_stdio() {
        JsonPath run = RunsApiTest.runToEnd(
                "note-taker",
                script(
                        "{\"calls\": [{\"name\": \"notes_add_note\", \"arguments\": {\"text\": \"renewal on Friday\"}}]}",
                        "{\"calls\": [{\"name\": \"notes_list_notes\", \"arguments\": {}}]}",
                        "{\"answer\": \"noted\"}"));

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("steps[1].tool")).isEqualTo("notes.add_note");
        assertThat(run.getInt("steps[1].result.count")).isPositive();
        assertThat(run.getString("steps[3].tool")).isEqualTo("notes.list_notes");
        assertThat(run.getList("steps[3].result", String.class)).contains("renewal on Friday");
        assertThat(run.getString("output")).isEqualTo("noted");
    }
}
