package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A flood of starts cannot grow a replica's queue of runs without bound. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(RunQueueTest.OneRunOneWaiting.class)
class RunQueueTest {

    /** One run executes, one may wait. */
    public static final class OneRunOneWaiting implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentry.runs.max-concurrent", "1", "agentry.runs.max-queued", "1");
        }
    }

    private static Response start() {
        return given().contentType(ContentType.JSON)
                .body(RunsApiTest.body(script("{\"answer\": \"later\", \"delayMs\": 3000}"), false))
                .post("/v1/agents/echo-agent/runs");
    }

    @Test
    void a_start_past_the_queue_gets_429_and_nothing_is_recorded_for_it() throws Exception {
        String executing = start().then().statusCode(202).extract().jsonPath().getString("id");
        String waiting = start().then().statusCode(202).extract().jsonPath().getString("id");
        int before =
                given().get("/v1/runs?limit=100").jsonPath().getList("items").size();

        Response refused = start();

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getString("detail")).contains("agentry.runs.max-queued");
        assertThat(given().get("/v1/runs?limit=100").jsonPath().getList("items"))
                .as("no run was created for the refused start")
                .hasSize(before);
        given().contentType(ContentType.JSON).post("/v1/runs/" + executing + "/cancel");
        given().contentType(ContentType.JSON).post("/v1/runs/" + waiting + "/cancel");
        long deadline = System.nanoTime() + 20_000_000_000L;
        int status = 429;
        while (status == 429 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = start().statusCode();
        }
        assertThat(status).as("a place came back once the runs ended").isEqualTo(202);
    }
}
