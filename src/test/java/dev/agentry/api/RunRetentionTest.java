package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static dev.agentry.fixtures.ScriptedChatServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.asset.Redactor;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What is kept, and for how long: finished runs go once they are older than the retention, and the
 * audit journal keeps its records of them; a secret that was replaced stays masked while a run that
 * could have used it still executes.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(RunRetentionTest.ShortRetention.class)
class RunRetentionTest {

    /** Finished runs are kept two seconds. */
    public static final class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentry.runs.retention", "2s");
        }
    }

    @Inject
    Redactor redactor;

    @Test
    void a_replaced_secret_stays_masked_until_no_run_that_began_before_is_executing() throws Exception {
        String slow = RunsApiTest.startSlow(given(), "later", 60_000);
        redactor.update("tools/rotated.yaml", Set.of("rotated-secret-1234"));
        redactor.update("tools/rotated.yaml", Set.of("current-secret-5678"));
        Thread.sleep(2_500); // past the service's upkeep (a third of the 3 s test lease)

        assertThat(redactor.scrub("rotated-secret-1234"))
                .as("while the slow run executes")
                .isEqualTo("****");

        given().contentType(ContentType.JSON).post("/v1/runs/" + slow + "/cancel");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (redactor.scrub("rotated-secret-1234").equals("****") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }

        assertThat(redactor.scrub("rotated-secret-1234 current-secret-5678"))
                .as("once no run that began before the change executes")
                .isEqualTo("rotated-secret-1234 ****");
        redactor.update("tools/rotated.yaml", Set.of());
    }

    @Test
    void a_finished_run_is_deleted_after_the_retention_and_its_audit_records_stay() throws Exception {
        String since = java.time.Instant.now().minusSeconds(1).toString();
        String finished = RunsApiTest.runToEnd("echo-agent", script("{\"answer\": \"hello\"}"))
                .getString("id");
        String slow = RunsApiTest.startSlow(given(), "later", 60_000);
        given().get("/v1/runs/" + finished).then().statusCode(200);

        long deadline = System.nanoTime() + 30_000_000_000L;
        int status = 200;
        while (status == 200 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            status = given().get("/v1/runs/" + finished).statusCode();
        }

        assertThat(status).as("the finished run is gone").isEqualTo(404);
        given().get("/v1/runs/" + slow).then().statusCode(200);
        assertThat(given().get("/v1/audit?type=run.ended&limit=100&since=" + since)
                        .jsonPath()
                        .getList("items.runId", String.class))
                .as("the journal's record of the deleted run's end")
                .contains(finished);
        given().contentType(ContentType.JSON).post("/v1/runs/" + slow + "/cancel");
    }
}
