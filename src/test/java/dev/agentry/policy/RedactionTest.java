package dev.agentry.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each detector masks what it should, keeps the kind visible, and leaves look-alikes alone. */
class RedactionTest {

    private static String mask(String detector, String text) {
        return Redaction.of(List.of(detector), Map.of()).mask(text);
    }

    @Test
    void email_addresses() {
        assertThat(mask("email", "write to dana.whitfield@acme.example today")).isEqualTo("write to <email> today");
        assertThat(mask("email", "no address @ here")).isEqualTo("no address @ here");
    }

    @Test
    void card_numbers_that_pass_the_luhn_check_and_no_others() {
        assertThat(mask("card", "card 4111 1111 1111 1111, exp 12/29")).isEqualTo("card <card>, exp 12/29");
        assertThat(mask("card", "4111-1111-1111-1111")).isEqualTo("<card>");
        assertThat(mask("card", "order 4111 1111 1111 1112")).as("fails Luhn").isEqualTo("order 4111 1111 1111 1112");
    }

    @Test
    void ibans_that_pass_their_check_and_no_others() {
        assertThat(mask("iban", "pay to DE89 3704 0044 0532 0130 00 please")).isEqualTo("pay to <iban> please");
        assertThat(mask("iban", "GB82WEST12345698765432")).isEqualTo("<iban>");
        assertThat(mask("iban", "DE89 3704 0044 0532 0130 01"))
                .as("wrong check digits")
                .doesNotContain("<iban>");
    }

    @Test
    void phone_numbers() {
        assertThat(mask("phone", "call +49 30 1234567 or (555) 123-4567")).isEqualTo("call <phone> or (<phone>");
        assertThat(mask("phone", "in 2026 we had 12 deals")).isEqualTo("in 2026 we had 12 deals");
    }

    @Test
    void api_key_shaped_strings() {
        assertThat(mask("api-key", "key sk-proj-abcdefghijklmnopqrstuv and AKIAIOSFODNN7EXAMPLE"))
                .isEqualTo("key <api-key> and <api-key>");
        assertThat(mask("api-key", "ghp_0123456789abcdefghijABCDEFGHIJ")).isEqualTo("<api-key>");
        assertThat(mask("api-key", "a normal sentence with skills")).isEqualTo("a normal sentence with skills");
    }

    @Test
    void named_custom_patterns_and_several_detectors_at_once() {
        Redaction masks = Redaction.of(List.of("email", "card"), Map.of("employee-id", "EMP-[0-9]{6}"));

        assertThat(masks.mask("EMP-123456 (eve@evil.example) paid with 4111111111111111"))
                .isEqualTo("<employee-id> (<email>) paid with <card>");
        assertThat(Redaction.NONE.mask("eve@evil.example")).isEqualTo("eve@evil.example");
    }
}
