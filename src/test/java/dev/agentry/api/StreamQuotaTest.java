package dev.agentry.api;

import static dev.agentry.fixtures.Api.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

import dev.agentry.fixtures.Api;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One key cannot hold event streams open without bound: each holds a thread and reads the store. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(StreamQuotaTest.OneStream.class)
class StreamQuotaTest {

    /** One stream per caller. */
    public static final class OneStream implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentry.http.max-streams-per-caller", "1");
        }
    }

    @Test
    void a_caller_past_its_stream_quota_gets_429_and_its_place_comes_back_when_a_stream_ends() throws Exception {
        String id = RunsApiTest.startSlow(given(), "slow", 4_000);
        HttpResponse<InputStream> first = Api.events(id);
        assertThat(first.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).as("the first stream is open and sending").isNotNull();

        given().accept("text/event-stream")
                .get("/v1/runs/" + id + "/events")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        startsWith("this key already holds the most event streams one caller may keep open (1)"));

        given().post("/v1/runs/" + id + "/cancel").then().statusCode(200);
        while (lines.readLine() != null) {
            // read the first stream to its end
        }
        lines.close();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            status = given().accept("text/event-stream")
                    .get("/v1/runs/" + id + "/events")
                    .then()
                    .extract()
                    .statusCode();
        }
        assertThat(status).as("the ended stream gave its place back").isEqualTo(200);
    }
}
