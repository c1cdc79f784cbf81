package dev.agentry.api;

import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.Api;
import dev.agentry.fixtures.OidcIssuer;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * OIDC bearer tokens from a configured issuer (a local one that signs tokens in the test), beside
 * API keys: roles from the token's groups, an agent limit from its claim, the subject as the actor.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(OidcTest.WithIssuer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OidcTest {

    /** The issuer's address is all a deployment sets; the test resource provides it. */
    public static final class WithIssuer implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcIssuer.class));
        }

        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("agentry.access.max-failures", "5", "agentry.access.failure-window", "2s");
        }
    }

    private static RequestSpecification as(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token);
    }

    private static Response start(String token) {
        return as(token)
                .contentType(ContentType.JSON)
                .body("{\"input\": " + RunsApiTest.quote(script("{\"answer\": \"signed in\"}")) + ", \"wait\": true}")
                .post("/v1/agents/echo-agent/runs");
    }

    @Test
    void an_operator_token_starts_a_run_that_names_its_subject() {
        Response run = start(OidcIssuer.token("alice", List.of("operator", "staff"), List.of()));

        assertThat(run.statusCode()).as(run.asString()).isEqualTo(200);
        assertThat(run.jsonPath().getString("status")).isEqualTo("succeeded");
        assertThat(run.jsonPath().getString("trigger.by")).isEqualTo("oidc alice");
        String runId = run.jsonPath().getString("id");
        assertThat(Api.given().get("/v1/runs/" + runId + "/audit").jsonPath().getList("items.actor.type", String.class))
                .contains("oidc");
        assertThat(Api.given().get("/v1/runs/" + runId + "/audit").jsonPath().getList("items.actor.id", String.class))
                .contains("alice");
    }

    @Test
    void roles_come_from_the_token_and_a_token_without_one_may_do_nothing() {
        String viewer = OidcIssuer.token("vera", List.of("viewer"), List.of());
        as(viewer).get("/v1/agents").then().statusCode(200);
        assertThat(start(viewer).statusCode()).isEqualTo(403);

        String nobody = OidcIssuer.token("nemo", List.of("staff"), List.of());
        Response refused = as(nobody).get("/v1/agents");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
    }

    @Test
    void an_agent_limited_token_sees_only_its_agents() {
        String limited = OidcIssuer.token("lena", List.of("operator"), List.of("note-taker"));

        as(limited).get("/v1/agents/note-taker").then().statusCode(200);
        as(limited).get("/v1/agents/echo-agent").then().statusCode(404);
        assertThat(start(limited).statusCode()).isEqualTo(404);
    }

    /** Last: it gets this address refused for the (short) failure window. */
    @Test
    @Order(Integer.MAX_VALUE)
    void repeated_refused_tokens_from_one_address_are_slowed_down() throws Exception {
        String forged = OidcIssuer.forged("mallory", List.of("admin"));
        int status = 0;
        for (int i = 0; i < 8 && status != 429; i++) {
            status = as(forged).get("/v1/agents").statusCode();
        }
        assertThat(status).isEqualTo(429);
        Thread.sleep(2_500); // past the window, for whatever runs after
    }

    @Test
    void expired_and_forged_tokens_are_refused_and_api_keys_still_work() {
        assertThat(as(OidcIssuer.expired("eve", List.of("admin")))
                        .get("/v1/agents")
                        .statusCode())
                .isEqualTo(401);
        assertThat(as(OidcIssuer.forged("eve", List.of("admin")))
                        .get("/v1/agents")
                        .statusCode())
                .isEqualTo(401);
        Api.given().get("/v1/agents").then().statusCode(200);
    }
}
