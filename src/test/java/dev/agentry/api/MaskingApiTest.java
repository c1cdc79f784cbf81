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

    private static final String KINDS = "dana@acme.example, card 4111 1111 1111 1111, iban DE89 3704 0044 0532 0130 00,"
            + " phone +49 30 1234567, key sk-proj-abcdefghijklmnopqrstuv";
    private static final String MASKED = "<email>, card <card>, iban <iban>, phone <phone>, key <api-key>";

    @Test
    void each_detector_masks_what_the_model_reads_and_what_is_recorded() {
        // Letters only: a marker with digits could look like a phone number.
        String marker = UUID.randomUUID().toString().replaceAll("[0-9-]", "");
        String text = "for " + marker + ": " + KINDS + ", project PRJ-1234";

        JsonPath run = RunsApiTest.runToEnd(
                "masked",
                script(
                        "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"" + text + "\"}}]}",
                        "{\"answer\": \"done\"}"));

        assertThat(run.getString("status")).isEqualTo("succeeded");
        String stored = run.getString("steps[1].result.received.text");
        assertThat(stored).isEqualTo("for " + marker + ": " + MASKED + ", project <project-code>");
        assertThat(run.getString("steps[1].arguments.text"))
                .as("the store's masks apply to the arguments recorded too")
                .isEqualTo("for " + marker + ": " + MASKED + ", project <project-code>");

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
                .as("the model reads every kind masked, and the store-only pattern as it was")
                .contains(MASKED)
                .contains("PRJ-1234")
                .doesNotContain("4111 1111 1111 1111")
                .doesNotContain("sk-proj-");

        JsonPath audit =
                given().get("/v1/runs/" + run.getString("id") + "/audit").jsonPath();
        assertThat(audit.getString("items.find { it.type == 'tool.result' }.data.result.received.text"))
                .as("the journal records what is stored")
                .isEqualTo(stored);
        assertThat(audit.getString("items.find { it.type == 'tool.intent' }.data.arguments.text"))
                .isEqualTo("for " + marker + ": " + MASKED + ", project <project-code>");
    }
}
