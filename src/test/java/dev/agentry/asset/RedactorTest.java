package dev.agentry.asset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.fixtures.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Secrets are masked in the forms an API or a model echoes them back in, and never half-masked. */
class RedactorTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final Redactor redactor = new Redactor(clock);

    @Test
    void a_value_an_edit_replaced_stays_masked_while_a_run_that_began_before_the_edit_executes() {
        redactor.update("tools/crm.yaml", Set.of("old-token-1234"));
        Instant runBegan = clock.instant();
        clock.advance(Duration.ofMinutes(5));
        redactor.update("tools/crm.yaml", Set.of("new-token-5678"));

        assertThat(redactor.scrub("old-token-1234 new-token-5678")).isEqualTo("**** ****");

        redactor.forgetRetired(runBegan);
        assertThat(redactor.scrub("old-token-1234"))
                .as("that run is still executing")
                .isEqualTo("****");

        clock.advance(Duration.ofMinutes(1));
        redactor.forgetRetired(clock.instant());
        assertThat(redactor.scrub("old-token-1234 new-token-5678")).isEqualTo("old-token-1234 ****");
        assertThat(redactor.retiredCount()).isZero();
    }

    @Test
    void a_superseded_token_and_a_deleted_file_retire_their_values_and_a_value_that_returns_is_current() {
        redactor.update("access token of toolset crm", Set.of("token-one-1234"));
        redactor.update("tools/crm.yaml", Set.of("password-1234"));
        redactor.update("access token of toolset crm", Set.of("token-two-5678"));
        redactor.update("tools/crm.yaml", Set.of());

        assertThat(redactor.retiredCount()).isEqualTo(2);
        assertThat(redactor.scrub("token-one-1234 password-1234")).isEqualTo("**** ****");

        redactor.update("tools/crm.yaml", Set.of("password-1234"));
        clock.advance(Duration.ofSeconds(1));
        redactor.forgetRetired(clock.instant());
        assertThat(redactor.scrub("token-one-1234 password-1234")).isEqualTo("token-one-1234 ****");
    }

    @Test
    void a_secret_is_masked_as_written_json_escaped_and_url_encoded() {
        redactor.update("tools/crm.yaml", Set.of("p@ss:w/rd+\"x\\y"));

        assertThat(redactor.scrub("password p@ss:w/rd+\"x\\y")).isEqualTo("password ****");
        assertThat(redactor.scrub("{\"password\": \"p@ss:w/rd+\\\"x\\\\y\"}")).isEqualTo("{\"password\": \"****\"}");
        assertThat(redactor.scrub("https://api.example.com/?key=p%40ss%3Aw%2Frd%2B%22x%5Cy&a=1"))
                .isEqualTo("https://api.example.com/?key=****&a=1");
    }

    @Test
    void a_longer_secret_is_masked_whole_before_a_shorter_one_inside_it() {
        redactor.update("tools/a.yaml", Set.of("abcd1234"));
        redactor.update("tools/b.yaml", Set.of("abcd1234efgh5678"));

        assertThat(redactor.scrub("token abcd1234efgh5678 and abcd1234")).isEqualTo("token **** and ****");
    }

    @Test
    void values_too_short_to_be_secrets_are_left_alone() {
        redactor.update("tools/a.yaml", Set.of("abc"));

        assertThat(redactor.scrub("abc abcd")).isEqualTo("abc abcd");
    }
}
