package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** Every bad request gets a 4xx problem+json that says what to fix, no stack trace, and leaves nothing behind. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class BadInputTest {

    /** Where errors send a caller to read the API: Swagger UI, on the port the management interface listens on. */
    private static String reference() {
        int port = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.management.test-port", Integer.class);
        return "Swagger UI (http://localhost:" + port + "/q/swagger-ui, on the management interface)";
    }

    private static ValidatableResponse post(String agent, String body) {
        return given().contentType("application/json")
                .body(body)
                .post("/v1/agents/" + agent + "/runs")
                .then()
                .contentType("application/problem+json")
                .body(not(containsString("Exception")))
                .body(not(containsString("\tat ")));
    }

    private static int runsOf(String agent) {
        return given().get("/v1/runs?agent=" + agent + "&limit=100")
                .jsonPath()
                .getList("items")
                .size();
    }

    @Test
    void malformed_json_is_refused_naming_where() {
        int before = runsOf("echo-agent");

        post("echo-agent", "{\"input\": \"hi\",")
                .statusCode(400)
                .body("status", equalTo(400))
                .body("type", equalTo("https://agentry.dev/problems/invalid-request"))
                .body("instance", equalTo("/v1/agents/echo-agent/runs"))
                .body("detail", containsString("the request body is not valid JSON ("))
                .body("detail", containsString("); send an object such as {\"input\": \"...\"}"));

        assertThat(runsOf("echo-agent")).isEqualTo(before);
    }

    @Test
    void bodies_past_the_json_parsers_limits_are_400s_that_name_the_limit() {
        int before = runsOf("echo-agent");

        post("echo-agent", "{\"input\": " + "[".repeat(5_000) + "]".repeat(5_000) + "}")
                .statusCode(400)
                .body(
                        "detail",
                        equalTo("the request body is past a limit of the JSON parser: Document nesting depth (1001)"
                                + " exceeds the maximum allowed (1000); send a flatter body with shorter numbers and"
                                + " strings, such as {\"input\": \"...\"}"));
        post("echo-agent", "{\"input\": " + "9".repeat(5_000) + "}")
                .statusCode(400)
                .body(
                        "detail",
                        containsString("the request body is past a limit of the JSON parser: Number value length"));

        assertThat(runsOf("echo-agent")).isEqualTo(before);
    }

    @Test
    void a_cursor_that_agentry_did_not_issue_is_refused() {
        given().get("/v1/runs?cursor=not-a-run-id")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("cursor 'not-a-run-id' was not issued by Agentry; pass the nextCursor of the previous"
                                + " page, or none for the first"));
    }

    @Test
    void unknown_fields_duplicate_keys_and_wrong_types_are_refused() {
        post("echo-agent", "{\"inputs\": \"hi\"}")
                .statusCode(400)
                .body(
                        "detail",
                        equalTo("the request body has an unknown field 'inputs'; the fields are input and wait"));
        post("echo-agent", "{\"input\": \"a\", \"input\": \"b\"}")
                .statusCode(400)
                .body("detail", containsString("Duplicate field 'input'"));
        post("echo-agent", "{\"input\": \"a\", \"wait\": \"yes\"}")
                .statusCode(400)
                .body("detail", equalTo("the field 'wait' must be true or false, got \"yes\""));
        post("echo-agent", "[1, 2]")
                .statusCode(400)
                .body(
                        "detail",
                        equalTo("the request body must be a JSON object such as {\"input\": \"...\", \"wait\": true}"));
    }

    @Test
    void an_oversized_body_is_refused_before_it_is_read() {
        int before = runsOf("echo-agent");
        String big = "{\"input\": \"" + "x".repeat(1_100_000) + "\"}";

        post("echo-agent", big)
                .statusCode(413)
                .body("title", equalTo("Payload too large"))
                .body("detail", containsString("the limit is 1048576 bytes (1 MiB)"));
        // Over the transport's own backstop (2 MiB), which would answer with an empty body.
        post("echo-agent", "{\"input\": \"" + "x".repeat(3_000_000) + "\"}")
                .statusCode(413)
                .header("Connection", "close")
                .body(
                        "detail",
                        equalTo("the request body is 3000013 bytes; the limit is 1048576 bytes (1 MiB). Send a smaller"
                                + " input, or pass large data by reference (a URL)"));

        assertThat(runsOf("echo-agent")).isEqualTo(before);
    }

    @Test
    void path_tricks_in_names_are_refused_as_names() {
        given().urlEncodingEnabled(false)
                .get("/v1/agents/..%2F..%2Fetc%2Fpasswd")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("'../../etc/passwd' is not a valid agent name; names are lowercase letters,"
                                + " digits and hyphens, starting with a letter, at most 63 long"));
        given().urlEncodingEnabled(false)
                .get("/v1/agents/%2e%2e")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("nothing is served at /v1/; the API is under /v1, described in " + reference()));
        given().get("/v1/runs/run_..%2Fx")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("run ids look like run_"));
    }

    @Test
    void unknown_agents_and_runs_are_404_problems() {
        post("no-such-agent", "{}")
                .statusCode(404)
                .body(
                        "detail",
                        equalTo("there is no agent named 'no-such-agent'; GET /v1/agents lists them, and"
                                + " agents/no-such-agent.yaml would define it"));
        given().get("/v1/runs/run_01M846TH6YF098BG6HXRY82JN5")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("there is no run with id 'run_01M846TH6YF098BG6HXRY82JN5'"));
    }

    @Test
    void an_invalid_agent_is_refused_with_422_and_no_run_is_stored() {
        post("broken-yaml", "{\"input\": \"hi\"}")
                .statusCode(422)
                .body(
                        "detail",
                        equalTo(
                                "agent 'broken-yaml' is invalid: src/test/resources/assets/agents/broken-yaml.yaml:5:"
                                        + " is not valid YAML: mapping values are not allowed here; check the indentation and quoting there"));

        assertThat(runsOf("broken-yaml")).isZero();
    }

    @Test
    void bad_list_parameters_are_refused() {
        given().get("/v1/runs?limit=1000")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("limit must be between 1 and 100, got 1000"));
        given().get("/v1/runs?status=done")
                .then()
                .statusCode(400)
                .body(
                        "detail",
                        equalTo("'done' is not a run status; use one of queued, running, awaiting_approval,"
                                + " succeeded, failed, cancelled"));
        given().get("/v1/runs?limit=ten").then().statusCode(400);
    }

    @Test
    void unknown_paths_and_methods_are_problems_too() {
        given().get("/v2/agents")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("nothing is served at /v2/agents; the API is under /v1, described in " + reference()));
        given().delete("/v1/agents")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("this method is not allowed on /v1/agents; the methods it takes are in "
                                + reference()));
        given().accept("text/html")
                .get("/v1/agents")
                .then()
                .statusCode(406)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("this resource cannot answer with the media type the Accept header asks for; leave"
                                + " Accept out, or ask for one of those " + reference() + " lists for it"));
    }
}
