package dev.agentry.api;

import static dev.agentry.api.AccessTest.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.agentry.fixtures.Api;
import dev.agentry.fixtures.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Guessing keys is slowed down: an address that keeps presenting bad keys is refused for a while. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(FailedAttemptsTest.ThreeTries.class)
class FailedAttemptsTest {

    /** Three bad keys a minute from one address. */
    public static final class ThreeTries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentry.access.max-failures", "3", "agentry.access.failure-window", "1m");
        }
    }

    @Test
    void an_address_that_presents_too_many_bad_keys_is_refused_even_with_a_good_one_until_the_window_ends() {
        for (int i = 0; i < 3; i++) {
            as("agk_guess-number-" + i).get("/v1/agents").then().statusCode(401);
        }

        as("agk_guess-number-4")
                .get("/v1/agents")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("60"))
                .body("detail", startsWith("too many requests with keys that are not valid came from this address"));
        as(Api.ADMIN_KEY).get("/v1/agents").then().statusCode(429);
    }
}
