package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An approval no one decides expires, which counts as a rejection: the run goes on without the call. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(ApprovalExpiryTest.OneSecond.class)
class ApprovalExpiryTest {

    /** Approvals that expire after a second. */
    public static final class OneSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentry.approvals.timeout", "1s");
        }
    }

    @Test
    void an_approval_nobody_decides_expires_and_the_run_goes_on_without_the_call() throws Exception {
        String text = "approve: nobody will look " + UUID.randomUUID();
        String runId = ApprovalsApiTest.parked(
                        "{\"calls\": [{\"name\": \"echo_say\", \"arguments\": {\"text\": \"" + text + "\"}}]}",
                        "{\"answer\": \"gave up\"}")
                .getString("id");
        String approval = given().get("/v1/approvals?status=pending&agent=guarded&limit=100")
                .jsonPath()
                .getString("items.find { it.runId == '" + runId + "' }.id");

        JsonPath ended = RunsApiTest.awaitEnd(runId);

        assertThat(ended.getString("status")).isEqualTo("succeeded");
        assertThat(ended.getString("steps[1].status")).isEqualTo("refused");
        assertThat(ended.getString("steps[1].result.refused")).contains("no one approved this call in time");
        JsonPath expired = given().get("/v1/approvals/" + approval).jsonPath();
        assertThat(expired.getString("status")).isEqualTo("expired");
        assertThat(expired.getString("decidedBy")).isEqualTo("system");
        assertThat(given().get("/v1/runs/" + runId + "/audit")
                        .jsonPath()
                        .getString("items.find { it.type == 'approval.decided' }.data.status"))
                .isEqualTo("expired");
    }
}
