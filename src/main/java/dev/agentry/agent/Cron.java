package dev.agentry.agent;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cron expression read in a time zone: five fields as in crontab (minute hour day-of-month month
 * day-of-week), or six with leading seconds.
 *
 * <p>Occurrences are wall-clock times in the zone. Across daylight-saving changes each wall-clock
 * occurrence fires once: one that falls into the hour skipped in spring fires at the end of the gap
 * (several such collapse into that one instant), and one in the hour repeated in autumn fires on its
 * first pass only.
 */
public final class Cron {

    static final String EXAMPLE = "'0 8 * * MON-FRI' (08:00 on weekdays) or '*/10 * * * * *' (every ten seconds)";

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String text;
    private final ExecutionTime minutes;
    private final BitSet seconds;

    private Cron(String text, ExecutionTime minutes, BitSet seconds) {
        this.text = text;
        this.minutes = minutes;
        this.seconds = seconds;
    }

    /** Expressions parsed before, by their text: schedules read them on every tick. */
    private static final Map<String, Cron> PARSED = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException saying what is wrong, with an example that works */
    public static Cron parse(String text) {
        Cron known = PARSED.get(text);
        if (known != null) {
            return known;
        }
        Cron parsed = read(text);
        if (PARSED.size() < 10_000) {
            PARSED.put(text, parsed);
        }
        return parsed;
    }

    private static Cron read(String text) {
        String[] fields = text.trim().split("\\s+");
        if (fields.length != 5 && fields.length != 6) {
            throw new IllegalArgumentException("has " + fields.length + " fields ('" + text
                    + "'); write five (minute hour day-of-month month day-of-week) or six with leading seconds, such as "
                    + EXAMPLE);
        }
        BitSet seconds = fields.length == 6 ? seconds(fields[0], text) : BitSet.valueOf(new long[] {1});
        String unix =
                fields.length == 6 ? text.trim().substring(fields[0].length()).trim() : text.trim();
        try {
            var parsed = UNIX.parse(unix);
            parsed.validate();
            return new Cron(text, ExecutionTime.forCron(parsed), seconds);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a valid cron expression ('" + text + "': " + e.getMessage()
                    + "); write five fields, minute hour day-of-month month day-of-week, or six with leading seconds,"
                    + " such as " + EXAMPLE);
        }
    }

    /** The seconds field: {@code *}, {@code n}, {@code a-b}, lists of those, each optionally {@code /step}. */
    private static BitSet seconds(String field, String text) {
        BitSet set = new BitSet(60);
        for (String part : field.split(",", -1)) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(part.substring(slash + 1), 1, 59, text);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = 0;
                to = 59;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", 2);
                from = number(ends[0], 0, 59, text);
                to = number(ends[1], 0, 59, text);
            } else {
                from = number(range, 0, 59, text);
                to = slash >= 0 ? 59 : from;
            }
            if (from > to) {
                throw secondsProblem(text, "the range " + range + " runs backwards");
            }
            for (int second = from; second <= to; second += step) {
                set.set(second);
            }
        }
        return set;
    }

    private static int number(String digits, int min, int max, String text) {
        try {
            int value = Integer.parseInt(digits);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw secondsProblem(text, "'" + digits + "' is not a number from " + min + " to " + max);
    }

    private static IllegalArgumentException secondsProblem(String text, String why) {
        return new IllegalArgumentException("has a seconds field that cannot be read ('" + text + "': " + why
                + "); write *, a number, a range a-b or a list, each optionally with /step, such as " + EXAMPLE);
    }

    @Override
    public String toString() {
        return text;
    }

    /** The first occurrence strictly after {@code after}, as an instant; empty if the cron never matches again. */
    public Optional<Instant> next(Instant after, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
        for (int guard = 0; guard < 10_000; guard++) {
            Optional<LocalDateTime> local = nextWallClock(wall);
            if (local.isEmpty()) {
                return Optional.empty();
            }
            Instant instant = instant(local.get(), rules);
            if (instant.isAfter(after)) {
                return Optional.of(instant);
            }
            wall = local.get();
        }
        return Optional.empty();
    }

    /** Occurrences after {@code after} up to and including {@code until}, at most {@code max} of them. */
    public List<Instant> between(Instant after, Instant until, ZoneId zone, int max) {
        java.util.ArrayList<Instant> found = new java.util.ArrayList<>();
        Optional<Instant> next = next(after, zone);
        while (next.isPresent() && !next.get().isAfter(until) && found.size() < max) {
            found.add(next.get());
            next = next(next.get(), zone);
        }
        return found;
    }

    /** The time between the two occurrences that follow {@code at}; a day when there are fewer. */
    public Duration interval(Instant at, ZoneId zone) {
        Optional<Instant> first = next(at, zone);
        Optional<Instant> second = first.flatMap(instant -> next(instant, zone));
        return second.isPresent() ? Duration.between(first.get(), second.get()) : Duration.ofDays(1);
    }

    /** The next wall-clock time after {@code wall} the fields match, the zone aside. */
    private Optional<LocalDateTime> nextWallClock(LocalDateTime wall) {
        LocalDateTime minute = wall.truncatedTo(ChronoUnit.MINUTES);
        if (matchesMinute(minute)) {
            int second = seconds.nextSetBit(wall.getSecond() + 1);
            if (second >= 0) {
                return Optional.of(minute.plusSeconds(second));
            }
        }
        return minutes.nextExecution(minute.atZone(ZoneOffset.UTC))
                .map(next -> next.toLocalDateTime().plusSeconds(seconds.nextSetBit(0)));
    }

    private boolean matchesMinute(LocalDateTime minute) {
        return minutes.isMatch(minute.atZone(ZoneOffset.UTC));
    }

    /** A wall-clock time as an instant: the end of a gap for a skipped time, the first pass for a repeated one. */
    private static Instant instant(LocalDateTime local, ZoneRules rules) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(local);
            return gap.getInstant();
        }
        return local.toInstant(offsets.getFirst());
    }
}
