package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Operating a schedule over REST: the nightly test agent's schedule starts paused, so nothing fires by
 * itself while these tests trigger, backfill, pause and resume it.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class SchedulesApiTest {

    private static JsonPath nightly() {
        return given().get("/v1/schedules/nightly")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void lists_each_schedule_with_its_next_times_in_its_zone() {
        List<Map<String, Object>> schedules = given().get("/v1/schedules")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");

        assertThat(schedules).extracting(schedule -> schedule.get("agent")).containsExactly("nightly");
        Map<String, Object> schedule = schedules.getFirst();
        assertThat(schedule)
                .containsEntry("cron", "0 3 * * *")
                .containsEntry("timezone", "Europe/Berlin")
                .containsEntry("overlap", "allow")
                .containsEntry("catchUp", "one interval, at most 1h")
                .containsKeys("last", "missed", "paused");
        @SuppressWarnings("unchecked")
        List<String> next = (List<String>) schedule.get("next");
        assertThat(next).hasSize(3).allMatch(time -> time.matches("\\d{4}-\\d\\d-\\d\\dT03:00:00\\+0[12]:00"));
    }

    @Test
    void trigger_starts_a_scheduled_run_now_with_its_input_filled_in() throws Exception {
        Response triggered = given().contentType(ContentType.JSON).post("/v1/schedules/nightly/trigger");

        assertThat(triggered.statusCode()).isEqualTo(202);
        assertThat(triggered.jsonPath().getString("outcome")).isEqualTo("started");
        assertThat(triggered.jsonPath().getBoolean("manual")).isTrue();
        String runId = triggered.jsonPath().getString("runId");
        JsonPath run = RunsApiTest.awaitEnd(runId);
        assertThat(run.getString("status")).isEqualTo("succeeded");
        assertThat(run.getString("trigger.type")).isEqualTo("schedule");
        assertThat(run.getString("trigger.by")).isEqualTo("schedule");
        assertThat(run.getBoolean("trigger.manual")).isTrue();
        assertThat(run.getString("trigger.scheduledAt"))
                .isEqualTo(triggered.jsonPath().getString("scheduledAt"));
        assertThat(run.getString("input")).matches("Digest what happened since .*, as of \\d{4}-.*\\+01:00\\.");
        JsonPath audit = given().get("/v1/runs/" + runId + "/audit")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(audit.getString("items.find { it.type == 'run.started' }.actor.type"))
                .isEqualTo("key");
    }

    @Test
    void backfill_runs_each_occurrence_of_a_range_once() {
        String body = "{\"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-03T23:00:00Z\"}";

        JsonPath first = backfill(body);
        JsonPath again = backfill(body);

        assertThat(first.getList("items.scheduledAt", String.class))
                .containsExactly("2026-11-01T02:00:00Z", "2026-11-02T02:00:00Z", "2026-11-03T02:00:00Z");
        assertThat(first.getList("items.outcome", String.class)).containsOnly("started");
        assertThat(again.getList("items.runId", String.class))
                .containsExactlyElementsOf(first.getList("items.runId", String.class));
        assertThat(given().get("/v1/schedules/nightly/occurrences?limit=100")
                        .jsonPath()
                        .getList("items.scheduledAt", String.class))
                .contains("2026-11-01T02:00:00Z", "2026-11-02T02:00:00Z", "2026-11-03T02:00:00Z");
    }

    private static JsonPath backfill(String body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/v1/schedules/nightly/backfill")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
    }

    @Test
    void a_bad_backfill_is_refused_with_what_to_send() {
        Response backwards = given().contentType(ContentType.JSON)
                .body("{\"from\": \"2026-11-03T00:00:00Z\", \"to\": \"2026-11-01T00:00:00Z\"}")
                .post("/v1/schedules/nightly/backfill");
        Response notATime = given().contentType(ContentType.JSON)
                .body("{\"from\": \"yesterday\", \"to\": \"2026-11-01T00:00:00Z\"}")
                .post("/v1/schedules/nightly/backfill");
        Response unknown = given().contentType(ContentType.JSON)
                .body("{\"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-02T00:00:00Z\", \"dry\": true}")
                .post("/v1/schedules/nightly/backfill");

        assertThat(backwards.statusCode()).isEqualTo(400);
        assertThat(backwards.jsonPath().getString("detail")).contains("is before 'from'");
        assertThat(notATime.statusCode()).isEqualTo(400);
        assertThat(notATime.jsonPath().getString("detail"))
                .isEqualTo("'from' is not an ISO-8601 time with an offset: 'yesterday'; write it such as {\"from\":"
                        + " \"2026-12-01T00:00:00Z\", \"to\": \"2026-12-03T00:00:00Z\"}");
        assertThat(unknown.jsonPath().getString("detail")).contains("unknown field 'dry'");
    }

    @Test
    void pause_and_resume_are_kept_and_say_who() {
        JsonPath paused = given().contentType(ContentType.JSON)
                .post("/v1/schedules/nightly/pause")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(paused.getBoolean("paused")).isTrue();
        assertThat(paused.getString("pausedBy")).startsWith("key ");
        assertThat(nightly().getBoolean("paused")).isTrue();

        JsonPath resumed = given().contentType(ContentType.JSON)
                .post("/v1/schedules/nightly/resume")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(resumed.getBoolean("paused")).isFalse();
        assertThat(nightly().getBoolean("paused")).isFalse();

        given().contentType(ContentType.JSON)
                .post("/v1/schedules/nightly/pause")
                .then()
                .statusCode(200);
        JsonPath audit = given().get("/v1/audit?agent=nightly&type=schedule.resumed")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(audit.getList("items")).isNotEmpty();
    }

    @Test
    void an_agent_without_a_schedule_or_out_of_sight_is_not_found() {
        Response none = given().get("/v1/schedules/echo-agent");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.jsonPath().getString("detail")).contains("has no schedule in force");

        String limited = AccessTest.issue("schedules-limited", "operator", "[\"instant\"]");
        assertThat(AccessTest.as(limited).get("/v1/schedules").jsonPath().getList("$"))
                .isEmpty();
        assertThat(AccessTest.as(limited)
                        .contentType(ContentType.JSON)
                        .post("/v1/schedules/nightly/trigger")
                        .statusCode())
                .isEqualTo(404);
    }
}
