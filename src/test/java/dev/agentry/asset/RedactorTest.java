package dev.agentry.asset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Secrets are masked in the forms an API or a model echoes them back in, and never half-masked. */
class RedactorTest {

    private final Redactor redactor = new Redactor();

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
