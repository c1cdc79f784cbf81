package dev.agentry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.agentry.fixtures.ScriptedChatServer;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What operators rely on: health, Prometheus metrics, the OpenAPI document and its UI. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class OperationsTest {

    @Test
    void health_is_up() {
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void runs_are_counted_in_prometheus_metrics() {
        RunsApiTest.runToEnd("echo-agent", ScriptedChatServer.script("{\"answer\": \"counted\"}"));

        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("agentry_runs_started_total{agent=\"echo-agent\",trigger=\"api\"}"))
                .body(containsString("agentry_runs_finished_total{agent=\"echo-agent\",status=\"succeeded\"}"));
    }

    @Test
    void the_api_is_described_by_openapi_with_a_ui() {
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body(containsString("/v1/agents/{name}/runs"))
                .body(containsString("/v1/runs/{id}/events"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
