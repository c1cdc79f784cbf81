package dev.agentry.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A record's body must be one line of valid JSON (the export is NDJSON, one record a line): the
 * shortcut that quotes a body's strings without Jackson must write exactly what Jackson writes, with
 * control characters, quotes and backslashes escaped.
 */
class ChainTest {

    @Test
    void strings_in_a_body_are_quoted_exactly_as_jackson_quotes_them() throws Exception {
        ObjectMapper jackson = new ObjectMapper();
        List<String> texts = new ArrayList<>(List.of(
                "",
                "run_01JD5Y8C9V3M0Q8X4T6B2N7R1K",
                "2026-12-07T12:00:00.123456Z",
                "say \"hi\"",
                "C:\\temp\\x",
                "line\nbreak\ttab\r",
                "é ü 日本 \u2028 \u2029 😀",
                "\ud800 lone surrogate",
                "</script>"));
        for (char c = 0; c < 0x100; c++) {
            texts.add("a" + c + "b");
        }

        for (String text : texts) {
            assertThat(Chain.quote(text)).as("%s", text).isEqualTo(jackson.writeValueAsString(text));
        }
        assertThat(Chain.quote(null)).isEqualTo("null");
    }
}
