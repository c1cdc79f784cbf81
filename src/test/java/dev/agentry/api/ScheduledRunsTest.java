package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A schedule firing in the running service: the ticker agent runs every second. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(ScheduledRunsTest.Ticker.class)
class ScheduledRunsTest {

    /** The agents folder holds the ticker alone. */
    public static final class Ticker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentry.agents-dir", "src/test/resources/assets/schedules");
        }
    }

    private static List<Map<String, Object>> occurrences() {
        return given().get("/v1/schedules/ticker/occurrences?limit=100")
                .jsonPath()
                .getList("items");
    }

    private static List<Map<String, Object>> awaitOccurrences(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Map<String, Object>> found = occurrences();
        while (found.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(200);
            found = occurrences();
        }
        return found;
    }

    @Test
    void each_second_starts_one_run_for_its_occurrence_and_a_pause_stops_it() throws Exception {
        List<Map<String, Object>> fired = awaitOccurrences(4);

        assertThat(fired).hasSizeGreaterThanOrEqualTo(4);
        List<String> times =
                fired.stream().map(o -> (String) o.get("scheduledAt")).toList();
        assertThat(new HashSet<>(times)).as("one record per occurrence").hasSize(times.size());
        assertThat(times).allMatch(time -> Instant.parse(time).getNano() == 0);
        Map<String, Object> latest = fired.getFirst();
        assertThat(latest.get("outcome")).isIn("started", "starting");
        JsonPath run = RunsApiTest.awaitEnd((String) fired.get(1).get("runId"));
        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("trigger.type")).isEqualTo("schedule");
        assertThat(run.getString("trigger.scheduledAt")).isEqualTo(fired.get(1).get("scheduledAt"));
        assertThat(run.getString("input.at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        JsonPath audit =
                given().get("/v1/runs/" + run.getString("id") + "/audit").jsonPath();
        assertThat(audit.getString("items.find { it.type == 'run.started' }.actor.type"))
                .isEqualTo("schedule");

        given().contentType(ContentType.JSON)
                .post("/v1/schedules/ticker/pause")
                .then()
                .statusCode(200);
        Thread.sleep(1200);
        int paused = occurrences().size();
        Thread.sleep(2500);
        assertThat(occurrences()).as("nothing fires while paused").hasSize(paused);

        given().contentType(ContentType.JSON)
                .post("/v1/schedules/ticker/resume")
                .then()
                .statusCode(200);
        assertThat(awaitOccurrences(paused + 2)).hasSizeGreaterThanOrEqualTo(paused + 2);
        given().contentType(ContentType.JSON)
                .post("/v1/schedules/ticker/pause")
                .then()
                .statusCode(200);
    }
}
