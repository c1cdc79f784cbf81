package dev.agentry.api;

import static dev.agentry.fixtures.Api.anonymous;
import static dev.agentry.fixtures.Api.management;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.agentry.fixtures.ScriptedChatServer;
import dev.agentry.fixtures.TestServices;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What operators rely on: health on the main port without a key, Prometheus metrics, the OpenAPI
 * document and its UI on the management interface, and none of those three on the main port; no
 * spans without an OTLP endpoint.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class OperationsTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void without_an_otlp_endpoint_runs_make_no_spans() throws Exception {
        RunsApiTest.runToEnd("echo-agent", ScriptedChatServer.script("{\"answer\": \"untraced\"}"));
        Thread.sleep(200); // past the span processor's export delay, were it on

        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void health_is_up() {
        anonymous().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void runs_are_counted_in_prometheus_metrics() {
        RunsApiTest.runToEnd("echo-agent", ScriptedChatServer.script("{\"answer\": \"counted\"}"));

        management()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("agentry_runs_started_total{agent=\"echo-agent\",trigger=\"api\"}"))
                .body(containsString("agentry_runs_finished_total{agent=\"echo-agent\",status=\"succeeded\"}"));
    }

    @Test
    void the_api_is_described_by_openapi_with_a_ui() {
        management()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body(containsString("/v1/agents/{name}/runs"))
                .body(containsString("/v1/runs/{id}/events"));
        management().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void the_console_log_keeps_every_message_on_one_line() {
        List<java.util.logging.Handler> consoles = new ArrayList<>();
        collectConsoles(
                org.jboss.logmanager.LogContext.getLogContext().getLogger("").getHandlers(), consoles);

        assertThat(consoles).isNotEmpty().allSatisfy(console -> {
            org.jboss.logmanager.ExtLogRecord record = new org.jboss.logmanager.ExtLogRecord(
                    java.util.logging.Level.INFO, "path %s", org.jboss.logmanager.ExtLogRecord.FormatStyle.PRINTF, "t");
            record.setParameters(new Object[] {"/x\n12:00:00 INFO forged"});
            console.getFilter().isLoggable(record);
            assertThat(record.getFormattedMessage()).isEqualTo("path /x\\n12:00:00 INFO forged");
        });
    }

    private static void collectConsoles(java.util.logging.Handler[] handlers, List<java.util.logging.Handler> into) {
        for (java.util.logging.Handler handler : handlers) {
            if (handler.getClass().getSimpleName().contains("Console")) {
                into.add(handler);
            }
            if (handler instanceof org.jboss.logmanager.ExtHandler nested) {
                collectConsoles(nested.getHandlers(), into);
            }
        }
    }

    @Test
    void metrics_and_the_api_description_are_not_served_on_the_main_port() {
        anonymous().get("/q/metrics").then().statusCode(404);
        anonymous().get("/q/openapi").then().statusCode(404);
        anonymous().get("/q/swagger-ui/").then().statusCode(404);
    }
}
