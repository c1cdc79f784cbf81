package dev.agentry.asset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InterpolationTest {

    private final Variables variables = Variables.of(Map.of("HOST", "api.example.com", "EMPTY", ""));

    @Test
    void expands_variables_and_defaults() {
        assertThat(Interpolation.expand("https://${HOST}/v1", variables))
                .isEqualTo(new Interpolation.Result("https://api.example.com/v1", true));
        assertThat(Interpolation.expand("${PORT:8080}", variables).value()).isEqualTo("8080");
        assertThat(Interpolation.expand("${EMPTY:fallback}", variables).value()).isEmpty();
        assertThat(Interpolation.expand("${MISSING:}", variables).value()).isEmpty();
        assertThat(Interpolation.expand("${ENDPOINT:https://lambda.${REGION:us-east-1}.amazonaws.com}/x", variables)
                        .value())
                .isEqualTo("https://lambda.us-east-1.amazonaws.com/x");
        assertThat(Interpolation.expand("${HOST:https://${REGION}.example.com}", variables)
                        .value())
                .as("a set variable wins and its default is never looked at")
                .isEqualTo("api.example.com");
    }

    @Test
    void leaves_text_without_variables_alone_and_unescapes_double_dollar() {
        assertThat(Interpolation.expand("plain $5", variables)).isEqualTo(new Interpolation.Result("plain $5", false));
        assertThat(Interpolation.expand("$${HOST}", variables).value()).isEqualTo("${HOST}");
    }

    @Test
    void names_an_unset_variable_and_how_to_fix_it() {
        assertThatThrownBy(() -> Interpolation.expand("${OPENAI_API_KEY}", variables))
                .hasMessage("uses ${OPENAI_API_KEY}, which is not set; set the environment variable OPENAI_API_KEY"
                        + " or give a default as ${OPENAI_API_KEY:value}");
    }

    @Test
    void refuses_malformed_references() {
        assertThatThrownBy(() -> Interpolation.expand("${HOST", variables))
                .hasMessage("has '${' without a closing '}'; write ${NAME} or $${ for a literal");
        assertThatThrownBy(() -> Interpolation.expand("${9LIVES}", variables))
                .hasMessageStartingWith("refers to '${9LIVES}', which is not a variable name");
    }
}
