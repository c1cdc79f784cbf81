package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.agentry.fixtures.ScriptedChatServer;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Policies that mask tool results, through the running service: the masks policy's detectors apply
 * to what the model reads (and so to every copy of it), the records policy's custom pattern only to
 * what is recorded and shown.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class MaskingApiTest {

    ScriptedChatServer chat;

    @Test
    void the_model_reads_masked_results_and_the_record_is_masked_further() {
        String marker = UUID.randomUUID().toString();
        String text = "for " + marker + ": dana@acme.example, card 4111 1111 1111 1111, project PRJ-1234";

        JsonPath run = RunsApiTest.runToEnd(
                "masked",
                script(
                        "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"" + text + "\"}}]}",
                        "{\"answer\": \"done\"}"));

        assertThat(run.getString("status")).isEqualTo("succeeded");
        String stored = run.getString("steps[1].result.received.text");
        assertThat(stored).isEqualTo("for " + marker + ": <email>, card <card>, project <project-code>");
        assertThat(run.getString("steps[1].arguments.text"))
                .as("arguments are what the model wrote; only the store's masks apply to them")
                .contains("dana@acme.example")
                .contains("<project-code>");

        String toModel = null;
        for (ServeEvent event : chat.wireMock().getAllServeEvents()) {
            String body = event.getRequest().getBodyAsString();
            if (event.getRequest().getUrl().endsWith("/chat/completions")
                    && body.contains("tool_call_id")
                    && body.contains(marker)) {
                toModel = body;
            }
        }
        assertThat(toModel)
                .as("the second model request carries the tool's answer")
                .isNotNull();
        String toolMessage = toModel.substring(toModel.indexOf("tool_call_id"));
        assertThat(toolMessage)
                .contains("<email>")
                .contains("<card>")
                .contains("PRJ-1234")
                .doesNotContain("4111 1111 1111 1111");

        JsonPath audit =
                given().get("/v1/runs/" + run.getString("id") + "/audit").jsonPath();
        assertThat(audit.getString("items.find { it.type == 'tool.result' }.data.result.received.text"))
                .as("the journal records what is stored")
                .isEqualTo(stored);
        assertThat(audit.getString("items.find { it.type == 'tool.intent' }.data.arguments.text"))
                .contains("<project-code>");
    }
}
