package dev.agentry.api;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Keeps every log line one line: control characters in a message (a request path, a file name, a
 * worker's output, a model's text) are written escaped, so input cannot forge log lines or hide
 * behind a carriage return. Stack traces, which the formatter prints after the message, are untouched.
 */
@LoggingFilter(name = LogLines.NAME)
public final class LogLines implements Filter {

    static final String NAME = "agentry-one-line";

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (message != null && needsEscaping(message)) {
            record.setMessage(escape(message));
            record.setParameters(null);
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(escape(message), ExtLogRecord.FormatStyle.NO_FORMAT);
            }
        }
        return true;
    }

    private static boolean needsEscaping(String message) {
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }

    /** {@code \n} as the two characters backslash and n, other controls as {@code \\uXXXX}. */
    static String escape(String message) {
        StringBuilder out = new StringBuilder(message.length() + 16);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append('\t');
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
