package dev.agentry.api;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.fixtures.ScriptedChatServer;
import dev.agentry.fixtures.TestServices;
import dev.agentry.model.TokenUsage;
import dev.agentry.model.ToolRequest;
import dev.agentry.run.Run;
import dev.agentry.run.RunIds;
import dev.agentry.run.RunStore;
import dev.agentry.run.Step;
import dev.agentry.run.Trigger;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run left behind by a replica that died is adopted once its lease lapses and finishes from its last step. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class ResumeTest {

    @Inject
    RunStore store;

    ScriptedChatServer chat;

    @Test
    void an_orphaned_run_resumes_where_it_stopped_without_repeating_completed_calls() throws Exception {
        Instant then = Instant.now().minusSeconds(10);
        String input = script(
                "{\"calls\": [{\"id\": \"c1\", \"name\": \"echo_say\", \"arguments\": {\"text\": \"one\"}},"
                        + " {\"id\": \"c2\", \"name\": \"echo_say\", \"arguments\": {\"text\": \"two\"}}]}",
                "{\"answer\": \"resumed\"}");
        Run run = Run.queued(
                RunIds.next(then), "echo-agent", JsonNodeFactory.instance.textNode(input), Trigger.api("t"), then);
        // The dead node's lease holds while its steps are written, so that no replica adopts the run
        // between them (the adoption scan runs every 500 ms); nothing renews it after that.
        Instant leaseUntil = Instant.now().plusSeconds(2);
        store.create(run, "dead-node", leaseUntil);
        store.start(run.id(), "dead-node", then, leaseUntil);
        store.addStep(
                run.id(),
                "dead-node",
                new Step.ModelStep(
                        1,
                        then,
                        5,
                        "",
                        List.of(
                                new ToolRequest("c1", "echo_say", "{\"text\":\"one\"}"),
                                new ToolRequest("c2", "echo_say", "{\"text\":\"two\"}")),
                        new TokenUsage(100, 10)));
        store.addStep(
                run.id(),
                "dead-node",
                new Step.ToolStep(
                        2,
                        then,
                        3,
                        "c1",
                        "echo.say",
                        JsonNodeFactory.instance.objectNode().put("text", "one"),
                        dev.agentry.tool.ToolResult.success(
                                JsonNodeFactory.instance.objectNode().put("done", "before"))));

        JsonPath ended = RunsApiTest.awaitEnd(run.id());

        assertThat(ended.getString("status")).isEqualTo("succeeded");
        assertThat(ended.getString("output")).isEqualTo("resumed");
        assertThat(ended.getList("steps.index")).containsExactly(1, 2, 3, 4);
        assertThat(ended.getString("steps[2].arguments.text")).isEqualTo("two");
        assertThat(ended.getInt("usage.toolCalls")).isEqualTo(2);
        chat.wireMock()
                .verify(
                        exactly(0),
                        postRequestedFor(urlEqualTo("/tools/echo"))
                                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.equalToJson(
                                        "{\"text\":\"one\"}")));
        chat.wireMock()
                .verify(
                        exactly(1),
                        postRequestedFor(urlEqualTo("/tools/echo"))
                                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.equalToJson(
                                        "{\"text\":\"two\"}")));
    }
}
