package dev.agentry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/** Input that reaches a log message cannot start a line of its own. */
class LogLinesTest {

    @Test
    void a_path_with_a_newline_stays_on_one_line_and_shows_what_was_sent() {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "auth.denied: %s: %s", ExtLogRecord.FormatStyle.PRINTF, "t");
        record.setParameters(new Object[] {"/v1/runs\n12:00:00.000 INFO  [d.a.r.RunService] all good\r", "no key"});

        assertThat(new LogLines().isLoggable(record)).isTrue();

        assertThat(record.getFormattedMessage())
                .isEqualTo("auth.denied: /v1/runs\\n12:00:00.000 INFO  [d.a.r.RunService] all good\\r: no key")
                .doesNotContain("\n", "\r");
    }

    @Test
    void secrets_are_masked_in_log_messages_and_a_message_without_any_is_left_as_it_is() {
        dev.agentry.asset.Redactor redactor = new dev.agentry.asset.Redactor();
        redactor.update("tools/crm.yaml", java.util.Set.of("sk-live-4711-abcd"));
        var before = LogLines.scrubber();
        LogLines.scrubWith(redactor::scrub);
        try {
            ExtLogRecord record =
                    new ExtLogRecord(Level.WARNING, "tools/crm.yaml: %s", ExtLogRecord.FormatStyle.PRINTF, "t");
            record.setParameters(new Object[] {"field 'timeout': got 'sk-live-4711-abcd'"});
            ExtLogRecord plain = new ExtLogRecord(Level.INFO, "Loaded %s", ExtLogRecord.FormatStyle.PRINTF, "t");
            plain.setParameters(new Object[] {"agent"});

            new LogLines().isLoggable(record);
            new LogLines().isLoggable(plain);

            assertThat(record.getFormattedMessage()).isEqualTo("tools/crm.yaml: field 'timeout': got '****'");
            assertThat(plain.getFormattedMessage()).isEqualTo("Loaded agent");
            assertThat(plain.getParameters()).as("left for the formatter").containsExactly("agent");
        } finally {
            LogLines.scrubWith(before);
        }
    }

    @Test
    void other_control_characters_are_written_as_escapes_and_tabs_and_plain_text_are_left_alone() {
        assertThat(LogLines.escape("a\u001b[31mred\u0000\tb\u2028c")).isEqualTo("a\\u001b[31mred\\u0000\tb\\u2028c");
        ExtLogRecord plain = new ExtLogRecord(Level.INFO, "Loaded agent 'x'", ExtLogRecord.FormatStyle.NO_FORMAT, "t");
        new LogLines().isLoggable(plain);
        assertThat(plain.getFormattedMessage()).isEqualTo("Loaded agent 'x'");
    }
}
