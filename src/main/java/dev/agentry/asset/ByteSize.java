package dev.agentry.asset;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes as people write it: {@code 512}, {@code 64KB}, {@code 256MiB}, {@code 1GB}.
 * Units are binary whatever their spelling (KB = KiB = 1024 bytes), as the JVM reads {@code -Xmx}.
 */
public record ByteSize(long bytes) {

    private static final Pattern TEXT = Pattern.compile("([0-9]{1,12})\\s*(B|K|KB|KIB|M|MB|MIB|G|GB|GIB)?");

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    public static ByteSize ofMebibytes(long mebibytes) {
        return new ByteSize(mebibytes * 1024 * 1024);
    }

    public static ByteSize ofKibibytes(long kibibytes) {
        return new ByteSize(kibibytes * 1024);
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    public static ByteSize parse(String text) {
        Matcher matcher = TEXT.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("must be a size such as 512KB, 64MiB or 1GB, got '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "B" : matcher.group(2);
        long factor =
                switch (unit.charAt(0)) {
                    case 'K' -> 1024L;
                    case 'M' -> 1024L * 1024;
                    case 'G' -> 1024L * 1024 * 1024;
                    default -> 1L;
                };
        return new ByteSize(Math.multiplyExact(amount, factor));
    }

    /** The shortest exact form: {@code 256MiB}, {@code 64KiB}, {@code 100B}. */
    public String format() {
        if (bytes >= 1024L * 1024 * 1024 && bytes % (1024L * 1024 * 1024) == 0) {
            return bytes / (1024L * 1024 * 1024) + "GiB";
        }
        if (bytes >= 1024L * 1024 && bytes % (1024L * 1024) == 0) {
            return bytes / (1024L * 1024) + "MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + "KiB";
        }
        return bytes + "B";
    }

    @Override
    public String toString() {
        return format();
    }
}
