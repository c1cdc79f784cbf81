package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
class AgentsApiTest {

    @Test
    void lists_every_agent_with_invalid_ones_saying_why() {
        JsonPath agents =
                given().get("/v1/agents").then().statusCode(200).extract().jsonPath();

        assertThat(agents.getList("name", String.class))
                .containsExactly(
                        "bound-to-broken",
                        "broken-yaml",
                        "budgeted",
                        "coder",
                        "echo-agent",
                        "guarded",
                        "instant",
                        "limited",
                        "masked",
                        "nightly",
                        "no-sandbox",
                        "note-taker",
                        "structured",
                        "unknown-tool",
                        "unpriced");
        assertThat(agents.getMap("find { it.name == 'echo-agent' }"))
                .containsExactlyInAnyOrderEntriesOf(java.util.Collections.unmodifiableMap(new java.util.HashMap<>() {
                    {
                        put("name", "echo-agent");
                        put("description", "Plays the script in its input against the echo tools.");
                        put("valid", true);
                        put("error", null);
                    }
                }));
        assertThat(agents.getBoolean("find { it.name == 'broken-yaml' }.valid")).isFalse();
        assertThat(agents.getString("find { it.name == 'broken-yaml' }.error"))
                .isEqualTo("src/test/resources/assets/agents/broken-yaml.yaml:5: is not valid YAML: mapping values are"
                        + " not allowed here; check the indentation and quoting there");
        assertThat(agents.getString("find { it.name == 'unknown-tool' }.error"))
                .isEqualTo("src/test/resources/assets/agents/unknown-tool.yaml: field 'tools': tool 'echo.shout' does"
                        + " not exist: toolset 'echo' has [say, slow, broken]; fix the name in the agent's tools list");
    }

    @Test
    void shows_one_definition_with_yaml_field_names_and_secrets_by_reference() {
        JsonPath agent = given().get("/v1/agents/echo-agent")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        assertThat(agent.getString("name")).isEqualTo("echo-agent");
        assertThat(agent.getString("model.provider")).isEqualTo("openai");
        assertThat(agent.getString("model.api-key")).isEqualTo("${TEST_TOOLS_TOKEN}");
        assertThat(agent.getString("model.timeout")).isEqualTo("1m");
        assertThat(agent.getList("tools")).isEqualTo(List.of("echo.*"));
        assertThat(agent.getInt("limits.max-steps")).isEqualTo(20);
        assertThat(agent.getInt("limits.max-tool-calls")).isEqualTo(50);
        assertThat(agent.getString("limits.timeout")).isEqualTo("5m");
        assertThat(given().get("/v1/agents/echo-agent").asString()).doesNotContain("s3cr3t-test-token-4711");
    }

    @Test
    void an_invalid_agent_cannot_be_shown_or_run() {
        given().get("/v1/agents/broken-yaml")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("title", equalTo("Unprocessable"));
        given().contentType("application/json")
                .body("{\"input\": \"hi\"}")
                .post("/v1/agents/unknown-tool/runs")
                .then()
                .statusCode(422)
                .body(
                        "detail",
                        equalTo("src/test/resources/assets/agents/unknown-tool.yaml: field 'tools': tool"
                                + " 'echo.shout' does not exist: toolset 'echo' has [say, slow, broken]; fix the name in the"
                                + " agent's tools list"));
    }
}
