package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.agentry.fixtures.TestServices;
import dev.agentry.run.SandboxWarmUp;
import dev.agentry.sandbox.SandboxProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** code.run inside real runs: the model's code runs in a worker process and reaches tools through the gate. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class CodeRunApiTest {

    @Inject
    SandboxWarmUp warmUp;

    @Test
    void startup_warms_the_valid_profiles_code_agents_name_and_no_other() {
        // coder uses test-code; no-sandbox names a profile that does not exist
        assertThat(warmUp.profilesInUse()).extracting(SandboxProfile::name).containsExactly("test-code");
    }

    private static String codeRun(String source) {
        return "{\"calls\": [{\"name\": \"code_run\", \"arguments\": {\"source\": " + RunsApiTest.quote(source)
                + ", \"input\": {\"n\": 3}}}]}";
    }

    @Test
    void code_calls_a_tool_through_the_gate_and_its_answer_is_the_step_result() {
        JsonPath run = RunsApiTest.runToEnd(
                "coder",
                script(
                        codeRun("const said = tools.echo.say({text: 'from code', count: input.n});"
                                + " console.log('called'); ({echoed: said.received.text, n: said.received.count})"),
                        "{\"answer\": \"done\"}"));

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("steps[1].tool")).isEqualTo("code.run");
        assertThat(run.getMap("steps[1].result.result")).isEqualTo(Map.of("echoed", "from code", "n", 3));
        assertThat(run.getString("steps[1].result.stdout")).isEqualTo("called\n");
        assertThat(run.getString("steps[1].result.limit")).isNull();
        assertThat(run.getString("steps[1].result.error")).isNull();
        assertThat(run.getString("steps[1].result.toolCalls[0].tool")).isEqualTo("echo.say");
        assertThat(run.getString("steps[1].result.toolCalls[0].status")).isEqualTo("ok");
        assertThat(run.getMap("steps[1].result.toolCalls[0].arguments"))
                .isEqualTo(Map.of("text", "from code", "count", 3));
        assertThat(run.getString("steps[1].result.sandbox.profile")).isEqualTo("test-code");
        assertThat(run.getString("steps[1].arguments.source")).contains("tools.echo.say");
    }

    @Test
    void a_nested_call_that_breaks_the_schema_or_is_not_allowed_throws_inside_the_code() {
        JsonPath run = RunsApiTest.runToEnd(
                "coder",
                script(
                        codeRun("const out = [];"
                                + " try { tools.echo.say({count: 0}) } catch (e) { out.push(e.message) }"
                                + " try { tools.echo.broken({}) } catch (e) { out.push(String(e)) }"
                                + " out"),
                        "{\"answer\": \"done\"}"));

        assertThat(run.getList("steps[1].result.result", String.class))
                .satisfiesExactly(
                        first -> assertThat(first).startsWith("the arguments do not match the parameters of echo.say"),
                        second -> assertThat(second).startsWith("TypeError"));
        assertThat(run.getString("steps[1].result.toolCalls[0].status")).isEqualTo("error");
    }

    @Test
    void a_limit_is_an_answer_not_a_failed_run() {
        JsonPath run = RunsApiTest.runToEnd(
                "coder",
                script(
                        codeRun("for (let i = 0; ; i++) console.log('flood ' + i)"),
                        "{\"answer\": \"it was cut off\"}"));

        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("steps[1].result.limit")).isEqualTo("output");
        assertThat(run.getString("steps[1].result.stdout")).hasSizeLessThanOrEqualTo(4096);
        assertThat(run.getString("output")).isEqualTo("it was cut off");
    }

    @Test
    void an_agent_whose_profile_is_missing_cannot_run() {
        given().contentType("application/json")
                .body("{\"input\": \"x\"}")
                .post("/v1/agents/no-sandbox/runs")
                .then()
                .statusCode(422)
                .body(
                        "detail",
                        equalTo("src/test/resources/assets/agents/no-sandbox.yaml: field 'sandbox' names"
                                + " 'missing-profile', which does not exist; add sandbox/missing-profile.yaml or name another"
                                + " profile"));
    }
}
