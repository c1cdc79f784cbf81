package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static org.hamcrest.Matchers.equalTo;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What a browser can be made to send to a local service is refused before it is read. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class RequestShapeTest {

    @Test
    void a_body_that_is_not_json_is_refused_with_415_before_any_run_starts() {
        given().contentType("text/plain")
                .body("{\"input\": \"sneaked in as text\"}")
                .post("/v1/agents/echo-agent/runs")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("detail", equalTo("send the body as application/json (Content-Type: application/json)"));
        given().contentType("application/x-www-form-urlencoded")
                .formParam("input", "x")
                .post("/v1/keys")
                .then()
                .statusCode(415);
    }

    @Test
    void a_request_from_a_page_of_another_origin_is_refused_and_one_without_an_origin_is_not() {
        given().header("Origin", "http://evil.example")
                .get("/v1/agents")
                .then()
                .statusCode(403)
                .body(
                        "detail",
                        equalTo("requests from web pages at http://evil.example are refused; list that origin in"
                                + " agentry.http.allowed-origins to allow it"));
        given().get("/v1/agents").then().statusCode(200);
    }

    @Test
    void a_page_served_by_the_service_itself_may_call_it() {
        String host = "localhost:" + io.restassured.RestAssured.port;
        given().header("Origin", "http://" + host).get("/v1/agents").then().statusCode(200);
    }
}
