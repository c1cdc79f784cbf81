package dev.agentry.agent;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentry.asset.DurationText;
import dev.agentry.asset.FieldException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * When an agent runs by itself.
 *
 * @param cron five fields as in crontab (minute hour day-of-month month day-of-week), or six with
 *     leading seconds
 * @param timezone the IANA zone the cron fields are read in; default UTC
 * @param input what each scheduled run receives: a string or JSON, in which {@code {{scheduled_at}}}
 *     and {@code {{last_success_at}}} are replaced; may be null
 * @param overlap what an occurrence does while an earlier scheduled run still runs; default skip
 * @param catchUp how far back occurrences missed while no replica ran are still run; null for the
 *     default, one interval of the schedule and at most an hour; zero for none
 * @param jitter a delay up to this, the same for every attempt at one occurrence; zero by default
 * @param paused the state the schedule starts in; pause and resume over the API override it
 * @param limits the limits of scheduled runs, in place of the agent's; null for the agent's
 * @param pauseAfterFailures pauses the schedule after this many scheduled runs in a row failed; null
 *     never pauses
 */
public record Schedule(
        String cron,
        String timezone,
        JsonNode input,
        String overlap,
        Duration catchUp,
        Duration jitter,
        Boolean paused,
        Limits limits,
        Integer pauseAfterFailures) {

    /** At most this long back, whatever the interval, unless {@code catch-up} says otherwise. */
    public static final Duration DEFAULT_CATCH_UP_CAP = Duration.ofHours(1);

    /** What an occurrence does while an earlier scheduled run of the agent has not ended. */
    public enum Overlap {
        /** Records the occurrence as skipped. */
        SKIP("skip"),
        /** Waits until the earlier run ends; one occurrence waits at most, a further one is skipped. */
        BUFFER_ONE("buffer-one"),
        /** Starts anyway. */
        ALLOW("allow"),
        /** Cancels the earlier run, then starts. */
        CANCEL_PREVIOUS("cancel-previous");

        private final String id;

        Overlap(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Overlap of(String id) {
            for (Overlap overlap : values()) {
                if (overlap.id.equals(id)) {
                    return overlap;
                }
            }
            throw new FieldException(
                    "overlap",
                    "must be one of "
                            + Arrays.stream(values()).map(Overlap::id).collect(Collectors.joining(", "))
                            + ", got '" + id + "'");
        }
    }

    public Schedule {
        if (cron == null || cron.isBlank()) {
            throw new FieldException("cron", "is required; write five fields such as " + Cron.EXAMPLE);
        }
        try {
            Cron.parse(cron);
        } catch (IllegalArgumentException e) {
            throw new FieldException("cron", e.getMessage());
        }
        timezone = timezone == null ? "UTC" : timezone;
        try {
            ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new FieldException(
                    "timezone",
                    "is not a known time zone: '" + timezone + "'; use an IANA name such as Europe/Berlin or"
                            + " America/New_York");
        }
        overlap = overlap == null ? Overlap.SKIP.id() : overlap;
        Overlap.of(overlap);
        if (catchUp != null && catchUp.isNegative()) {
            throw new FieldException("catch-up", "must be 0 or more, such as 0 (none), 10m or 1h");
        }
        jitter = jitter == null ? Duration.ZERO : jitter;
        if (jitter.isNegative()) {
            throw new FieldException("jitter", "must be 0 or more, such as 30s");
        }
        paused = paused != null && paused;
        if (pauseAfterFailures != null && pauseAfterFailures < 1) {
            throw new FieldException(
                    "pause-after-failures", "must be at least 1 (failed runs in a row), got " + pauseAfterFailures);
        }
    }

    @JsonIgnore
    public ZoneId zone() {
        return ZoneId.of(timezone);
    }

    @JsonIgnore
    public Cron parsedCron() {
        return Cron.parse(cron);
    }

    @JsonIgnore
    public Overlap overlapPolicy() {
        return Overlap.of(overlap);
    }

    /** How far back a missed occurrence still runs, seen from {@code now}. */
    public Duration catchUpWindow(Instant now) {
        if (catchUp != null) {
            return catchUp;
        }
        Duration interval = parsedCron().interval(now, zone());
        return interval.compareTo(DEFAULT_CATCH_UP_CAP) < 0 ? interval : DEFAULT_CATCH_UP_CAP;
    }

    /** {@code catch-up} as written, or how the default reads. */
    public String catchUpText() {
        return catchUp == null ? "one interval, at most 1h" : DurationText.format(catchUp);
    }
}
