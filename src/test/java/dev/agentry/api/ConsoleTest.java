package dev.agentry.api;

import static dev.agentry.api.AccessTest.as;
import static dev.agentry.api.AccessTest.issue;
import static dev.agentry.fixtures.Api.anonymous;
import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The console as HTTP serves it: one page at every console address, its own scripts, a content
 * security policy that runs nothing else, nothing outside its folder; and the API calls it relies on
 * (who the caller is, the live run list, the chain's head).
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class ConsoleTest {

    @Test
    void every_console_address_serves_the_page_without_a_key_and_under_a_strict_policy() {
        for (String path : new String[] {
            "/console",
            "/console/approvals",
            "/console/schedules",
            "/console/agents",
            "/console/tools",
            "/console/audit",
            "/console/runs/run_01JD5Y8C9V3M0Q8X4T6B2N7R1K"
        }) {
            anonymous()
                    .get(path)
                    .then()
                    .statusCode(200)
                    .contentType(containsString("text/html"))
                    .header("Content-Security-Policy", equalTo(ConsoleResource.POLICY))
                    .header("X-Frame-Options", "DENY")
                    .body(containsString("/console/assets/console.js"));
        }
        assertThat(ConsoleResource.POLICY).contains("script-src 'self'").doesNotContain("unsafe");
        anonymous()
                .get("/console/assets/console.js")
                .then()
                .statusCode(200)
                .contentType(containsString("text/javascript"))
                .header("X-Content-Type-Options", "nosniff");
        anonymous().get("/console/assets/console.css").then().statusCode(200);
        anonymous()
                .get("/console/settings.json")
                .then()
                .statusCode(200)
                .body("oidc", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void addresses_outside_the_consoles_files_are_not_found() {
        for (String path : new String[] {
            "/console/nowhere",
            "/console/assets/..%2F..%2Fapplication.properties",
            "/console/assets/..%2Findex.html",
            "/console/assets/index.html",
            "/console/assets/missing.js",
            "/console/assets/Console.JS",
            "/console/runs/run_1/steps"
        }) {
            int status = anonymous().urlEncodingEnabled(false).get(path).statusCode();
            assertThat(status).as(path).isEqualTo(404);
        }
    }

    @Test
    void me_names_the_caller_its_role_and_what_the_role_grants() {
        String viewer = issue("console-viewer", "viewer", "[\"echo-agent\"]");
        as(viewer)
                .get("/v1/me")
                .then()
                .statusCode(200)
                .body("role", equalTo("viewer"))
                .body("name", equalTo("console-viewer"))
                .body("actor.type", equalTo("key"))
                .body("grants", org.hamcrest.Matchers.contains("viewer"))
                .body("agents", org.hamcrest.Matchers.contains("echo-agent"));
        anonymous().get("/v1/me").then().statusCode(401);
    }

    @Test
    void the_run_stream_sends_the_list_and_ends_when_asked() {
        String id = RunsApiTest.runToEnd("echo-agent", script("{\"answer\": \"streamed\"}"))
                .getString("id");
        String events = given().accept("text/event-stream")
                .get("/v1/runs/stream?agent=echo-agent&limit=5&seconds=1")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(events).startsWith(":stream opened\n\nevent:runs").contains(id);
        given().get("/v1/runs/stream?seconds=0").then().statusCode(400);
    }

    @Test
    void the_audit_head_names_the_newest_record() {
        String runId = RunsApiTest.runToEnd("echo-agent", script("{\"answer\": \"head\"}"))
                .getString("id");
        long runsLast = given().get("/v1/runs/" + runId + "/audit?limit=1000")
                .jsonPath()
                .getList("items.seq", Long.class)
                .getLast();
        io.restassured.path.json.JsonPath head =
                given().get("/v1/audit/head").then().statusCode(200).extract().jsonPath();

        long seq = head.getLong("seq");
        assertThat(seq).as("the head is at or past the run's last record").isGreaterThanOrEqualTo(runsLast);
        io.restassured.path.json.JsonPath atHead =
                given().get("/v1/audit?cursor=" + (seq - 1) + "&limit=1").jsonPath();
        assertThat(atHead.getLong("items[0].seq")).isEqualTo(seq);
        assertThat(head.getString("hash"))
                .as("the head's hash is the record's")
                .isEqualTo(atHead.getString("items[0].hash"));
    }
}
