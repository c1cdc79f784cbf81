package dev.agentry.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What started a run.
 *
 * @param type {@code api}, {@code schedule}, or {@code tool-test} for an operator's direct call of
 *     one tool
 * @param by who or what: the caller for {@code api} and {@code tool-test}, {@code schedule} for a
 *     schedule's occurrence
 * @param scheduledAt the occurrence a scheduled run is for; null for other triggers
 * @param manual whether a person asked for this scheduled run (trigger now, backfill) rather than the
 *     clock
 */
public record Trigger(
        String type,
        String by,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant scheduledAt,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean manual) {

    public Trigger {
        requireNonNull(type, "type");
        if (!type.equals("api") && !type.equals("schedule") && !type.equals("tool-test")) {
            throw new IllegalArgumentException("not a trigger type: " + type);
        }
    }

    public Trigger(String type, String by) {
        this(type, by, null, false);
    }

    public static Trigger api(String by) {
        return new Trigger("api", by);
    }

    /** A run for the occurrence at {@code scheduledAt}. */
    public static Trigger schedule(Instant scheduledAt, boolean manual) {
        return new Trigger("schedule", "schedule", scheduledAt, manual);
    }

    public static Trigger toolTest(String by) {
        return new Trigger("tool-test", by);
    }

    public boolean scheduled() {
        return type.equals("schedule");
    }
}
