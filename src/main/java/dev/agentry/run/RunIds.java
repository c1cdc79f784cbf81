package dev.agentry.run;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Run ids: {@code run_} and 26 characters of Crockford base32 holding 48 bits of milliseconds and 80
 * random bits (the ULID layout), so ids sort by creation time and make a stable page cursor.
 */
public final class RunIds {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("run_[0-9A-HJKMNP-TV-Z]{26}");
    private static final Pattern APPROVAL = Pattern.compile("apr_[0-9A-HJKMNP-TV-Z]{26}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {}

    public static String next(Instant now) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        char[] text = new char[26];
        long time = now.toEpochMilli();
        for (int i = 9; i >= 0; i--) {
            text[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        long high = 0;
        for (int i = 0; i < 5; i++) {
            high = (high << 8) | (random[i] & 0xff);
        }
        long low = 0;
        for (int i = 5; i < 10; i++) {
            low = (low << 8) | (random[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            text[i] = ALPHABET[(int) (high & 31)];
            high >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            text[i] = ALPHABET[(int) (low & 31)];
            low >>>= 5;
        }
        return "run_" + new String(text);
    }

    public static boolean isValid(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }

    /** An approval's id: the same shape as a run's, ordered by time, prefixed {@code apr_}. */
    public static String nextApproval(Instant now) {
        return "apr_" + next(now).substring("run_".length());
    }

    public static boolean isApprovalId(String id) {
        return id != null && APPROVAL.matcher(id).matches();
    }
}
