package dev.agentry.api;

import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.TestServices;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With an OTLP endpoint configured, a run is traced after the GenAI semantic conventions; the spans
 * reach the exporter the service is given (here an in-memory one, {@code TestSpans}, in place of OTLP).
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(TracingTest.WithEndpoint.class)
class TracingTest {

    /** An endpoint is all a user sets; nothing listens there, the in-memory exporter takes the spans. */
    public static final class WithEndpoint implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.otel.exporter.otlp.endpoint", "http://127.0.0.1:9",
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    @Inject
    InMemorySpanExporter spans;

    private static String attribute(SpanData span, String key) {
        Object value = span.getAttributes().get(AttributeKey.stringKey(key));
        return value == null ? null : value.toString();
    }

    private static Long number(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.longKey(key));
    }

    private List<SpanData> spansOf(String runId) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<SpanData> found = spans.getFinishedSpanItems().stream()
                    .filter(span -> runId.equals(attribute(span, "gen_ai.conversation.id")))
                    .toList();
            if (!found.isEmpty()) {
                String traceId = found.getFirst().getTraceId();
                return spans.getFinishedSpanItems().stream()
                        .filter(span -> span.getTraceId().equals(traceId))
                        .toList();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no span of run " + runId + " was exported");
    }

    @Test
    void a_run_is_an_invoke_agent_span_with_a_chat_span_per_model_call_and_an_execute_tool_span_per_call()
            throws Exception {
        JsonPath run = RunsApiTest.runToEnd(
                "echo-agent",
                script(
                        "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"hi\"}}]}",
                        "{\"answer\": \"done\"}"));
        List<SpanData> trace = spansOf(run.getString("id"));

        SpanData agent = trace.stream()
                .filter(span -> span.getName().equals("invoke_agent echo-agent"))
                .findFirst()
                .orElseThrow();
        assertThat(attribute(agent, "gen_ai.operation.name")).isEqualTo("invoke_agent");
        assertThat(attribute(agent, "gen_ai.agent.name")).isEqualTo("echo-agent");
        assertThat(attribute(agent, "gen_ai.provider.name")).isEqualTo("openai");
        assertThat(attribute(agent, "agentry.run.status")).isEqualTo("succeeded");

        List<SpanData> chats = trace.stream()
                .filter(span -> span.getName().equals("chat test-model"))
                .toList();
        assertThat(chats).hasSize(2).allSatisfy(chat -> {
            assertThat(chat.getParentSpanId()).isEqualTo(agent.getSpanId());
            assertThat(attribute(chat, "gen_ai.operation.name")).isEqualTo("chat");
            assertThat(attribute(chat, "gen_ai.request.model")).isEqualTo("test-model");
            assertThat(number(chat, "gen_ai.usage.input_tokens")).isEqualTo(100L);
            assertThat(number(chat, "gen_ai.usage.output_tokens")).isEqualTo(10L);
        });

        SpanData tool = trace.stream()
                .filter(span -> span.getName().equals("execute_tool echo.say"))
                .findFirst()
                .orElseThrow();
        assertThat(tool.getParentSpanId()).isEqualTo(agent.getSpanId());
        assertThat(attribute(tool, "gen_ai.operation.name")).isEqualTo("execute_tool");
        assertThat(attribute(tool, "gen_ai.tool.name")).isEqualTo("echo.say");
        assertThat(attribute(tool, "gen_ai.tool.call.id")).isEqualTo(run.getString("steps[0].result.toolCalls[0].id"));
        assertThat(attribute(tool, "agentry.policy.effect")).isEqualTo("allow");
        assertThat(attribute(tool, "error.type")).isNull();
    }

    @Test
    void a_call_from_sandboxed_code_is_a_child_of_its_code_run() throws Exception {
        JsonPath run = RunsApiTest.runToEnd(
                "coder",
                script(
                        "{\"calls\": [{\"name\": \"code_run\", \"arguments\": {\"source\":"
                                + " \"tools.echo.say({text: 'from code'}).received.text\"}}]}",
                        "{\"answer\": \"done\"}"));
        assertThat(run.getString("status")).isEqualTo("succeeded");
        List<SpanData> trace = spansOf(run.getString("id"));

        SpanData code = trace.stream()
                .filter(span -> span.getName().equals("execute_tool code.run"))
                .findFirst()
                .orElseThrow();
        SpanData fromCode = trace.stream()
                .filter(span -> span.getName().equals("execute_tool echo.say"))
                .findFirst()
                .orElseThrow();
        assertThat(fromCode.getParentSpanId()).isEqualTo(code.getSpanId());
        assertThat(attribute(fromCode, "agentry.tool.origin")).isEqualTo("code");
    }
}
