package dev.agentry;

import io.quarkus.logging.LoggingFilter;
import java.util.function.UnaryOperator;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Keeps every log line one line and free of secrets: control characters in a message (a request
 * path, a file name, a worker's output, a model's text) are written escaped, so input cannot forge
 * log lines or hide behind a carriage return, and every secret the loaded assets hold is masked, as
 * in everything else Agentry writes. Stack traces, which the formatter prints after the message, are
 * untouched.
 */
@LoggingFilter(name = LogLines.NAME)
public final class LogLines implements Filter {

    static final String NAME = "agentry-one-line";

    /** What masks secrets; the service's secrets redactor installs itself here when it is created. */
    private static volatile UnaryOperator<String> scrubber = UnaryOperator.identity();

    static UnaryOperator<String> scrubber() {
        return scrubber;
    }

    /** Masks secrets in every message logged from now on with {@code scrub}. */
    public static void scrubWith(UnaryOperator<String> scrub) {
        scrubber = scrub;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (message == null) {
            return true;
        }
        String clean = scrubber.apply(message);
        if (needsEscaping(clean)) {
            clean = escape(clean);
        }
        if (!clean.equals(message)) {
            record.setMessage(clean);
            record.setParameters(null);
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(clean, ExtLogRecord.FormatStyle.NO_FORMAT);
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
