package dev.agentry.api;

import static dev.agentry.fixtures.Api.anonymous;
import static dev.agentry.fixtures.Api.bearer;
import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may do what over REST: keys, roles, agent-limited keys, and the answers to everyone else. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class AccessTest {

    static String issue(String name, String role, String agents) {
        return given().contentType(ContentType.JSON)
                .body("{\"name\": \"" + name + "\", \"role\": \"" + role + "\", \"agents\": " + agents + "}")
                .post("/v1/keys")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getString("key");
    }

    static RequestSpecification as(String key) {
        return RestAssured.given().header("Authorization", bearer(key));
    }

    @Test
    void a_request_without_a_key_is_refused_with_401_problem_json_and_a_bearer_challenge() {
        anonymous()
                .get("/v1/agents")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("title", equalTo("Unauthorized"))
                .body("detail", startsWith("this endpoint needs an API key: send 'Authorization: Bearer <key>'"));
    }

    @Test
    void a_key_that_was_never_issued_is_refused_and_not_echoed() {
        String body = as("agk_not-a-real-key-but-long-enough-to-look-like-one-xx")
                .get("/v1/runs")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .extract()
                .asString();
        assertThat(body).contains("the key is not valid or was revoked").doesNotContain("not-a-real-key");
        as("").get("/v1/runs").then().statusCode(401);
        RestAssured.given()
                .header("Authorization", "Basic dXNlcjpwYXNz")
                .get("/v1/runs")
                .then()
                .statusCode(401)
                .body("detail", startsWith("the Authorization header is not 'Bearer <key>'"));
        // Without an OIDC issuer, a token shaped as a JWT is just a key that is not valid (and counts).
        as("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJldmUifQ.c2lnbmF0dXJl")
                .get("/v1/runs")
                .then()
                .statusCode(401)
                .body("detail", startsWith("the key is not valid or was revoked"));
    }

    @Test
    void an_issued_key_is_shown_once_listed_without_its_secret_and_revoked_at_once() {
        var issued = given().contentType(ContentType.JSON)
                .body("{\"name\": \"ci-bot\", \"role\": \"viewer\", \"agents\": [\"*\"]}")
                .post("/v1/keys")
                .then()
                .statusCode(201)
                .body("name", equalTo("ci-bot"))
                .body("role", equalTo("viewer"))
                .body("agents", equalTo(List.of("*")))
                .extract();
        String key = issued.jsonPath().getString("key");
        String id = issued.jsonPath().getString("id");
        assertThat(key).matches("agk_[A-Za-z0-9_-]{43}");
        assertThat(issued.header("Location")).endsWith("/v1/keys/" + id);

        as(key).get("/v1/agents").then().statusCode(200);
        String listed = given().get("/v1/keys").then().statusCode(200).extract().asString();
        assertThat(listed).contains(id).doesNotContain(key).doesNotContain(key.substring(4));

        given().delete("/v1/keys/" + id).then().statusCode(204);
        as(key).get("/v1/agents").then().statusCode(401);
        given().delete("/v1/keys/" + id).then().statusCode(404);
        JsonPath keys = given().get("/v1/keys").jsonPath();
        assertThat(keys.getString("find { it.id == '" + id + "' }.revokedAt")).isNotNull();
    }

    @Test
    void a_viewer_reads_but_cannot_start_runs_and_is_told_which_role_it_needs() {
        String viewer = issue("reader", "viewer", "[\"*\"]");

        as(viewer).get("/v1/agents").then().statusCode(200);
        as(viewer)
                .contentType(ContentType.JSON)
                .body("{\"input\": \"x\"}")
                .post("/v1/agents/echo-agent/runs")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("the key 'reader' has role viewer; this needs role operator (or admin). Ask an admin"
                                + " for a key with that role."));
        as(viewer)
                .get("/v1/keys")
                .then()
                .statusCode(403)
                .body(
                        "detail",
                        equalTo("the key 'reader' has role viewer; this needs role admin. Ask an admin for a key with"
                                + " that role."));
    }

    @Test
    void a_run_started_with_a_key_names_the_key_not_an_address() {
        String operator = issue("starter", "operator", "[\"*\"]");
        String keyId = given().get("/v1/keys").jsonPath().getString("find { it.name == 'starter' }.id");

        as(operator)
                .contentType(ContentType.JSON)
                .body(RunsApiTest.body(script("{\"answer\": \"hi\"}"), true))
                .post("/v1/agents/echo-agent/runs")
                .then()
                .statusCode(200)
                .body("trigger.by", equalTo("key starter (" + keyId + ")"));
    }

    @Test
    void a_key_limited_to_some_agents_cannot_see_that_the_others_exist() {
        String id = RunsApiTest.runToEnd("echo-agent", script("{\"answer\": \"private\"}"))
                .getString("id");
        String limited = issue("instant-only", "operator", "[\"instant\"]");

        List<String> agents = as(limited).get("/v1/agents").jsonPath().getList("name");
        assertThat(agents).containsExactly("instant");
        as(limited).get("/v1/agents/echo-agent").then().statusCode(404);
        as(limited)
                .get("/v1/runs/" + id)
                .then()
                .statusCode(404)
                .body("detail", equalTo("there is no run with id '" + id + "'"));
        as(limited).post("/v1/runs/" + id + "/cancel").then().statusCode(404);
        as(limited).get("/v1/runs/" + id + "/events").then().statusCode(404);
        as(limited)
                .contentType(ContentType.JSON)
                .body("{\"input\": \"x\"}")
                .post("/v1/agents/echo-agent/runs")
                .then()
                .statusCode(404);
        as(limited)
                .contentType(ContentType.JSON)
                .body("{\"input\": \"mine\", \"wait\": true}")
                .post("/v1/agents/instant/runs")
                .then()
                .statusCode(200);
        List<String> listed = as(limited).get("/v1/runs?limit=100").jsonPath().getList("items.agent");
        assertThat(listed).isNotEmpty().containsOnly("instant");
        as(limited).get("/v1/runs?agent=echo-agent").then().statusCode(200).body("items", equalTo(List.of()));
        as(limited)
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/tools/echo/say/test")
                .then()
                .statusCode(403)
                .body("detail", startsWith("the key 'instant-only' is limited to agents [instant]"));
    }

    @Test
    void bad_key_requests_name_the_field_and_the_fix() {
        given().contentType(ContentType.JSON)
                .body("{\"name\": \"x\", \"role\": \"root\", \"agents\": [\"*\"]}")
                .post("/v1/keys")
                .then()
                .statusCode(400)
                .body("detail", equalTo("'root' is not a role; use one of viewer, operator, auditor, admin"));
        given().contentType(ContentType.JSON)
                .body("{\"name\": \"x\", \"role\": \"viewer\", \"agents\": [\"*\", \"billing\"]}")
                .post("/v1/keys")
                .then()
                .statusCode(400)
                .body("detail", equalTo("agents is either [\"*\"] alone or a list of agent names, not both"));
        given().contentType(ContentType.JSON)
                .body("{\"name\": \"x\", \"role\": \"viewer\", \"agents\": [\"*\"], \"key\": \"mine\"}")
                .post("/v1/keys")
                .then()
                .statusCode(400)
                .body(
                        "detail",
                        equalTo("the request body has an unknown field 'key'; the fields are name, role and"
                                + " agents"));
        given().contentType(ContentType.JSON)
                .body("{\"name\": \"../etc\", \"role\": \"viewer\", \"agents\": [\"*\"]}")
                .post("/v1/keys")
                .then()
                .statusCode(400);
    }
}
