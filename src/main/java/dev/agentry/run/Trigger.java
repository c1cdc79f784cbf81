package dev.agentry.run;

import static java.util.Objects.requireNonNull;

/**
 * What started a run.
 *
 * @param type {@code api} or {@code schedule}
 * @param by who or what: the caller for {@code api}, the schedule's agent for {@code schedule}
 */
public record Trigger(String type, String by) {

    public Trigger {
        requireNonNull(type, "type");
        if (!type.equals("api") && !type.equals("schedule")) {
            throw new IllegalArgumentException("not a trigger type: " + type);
        }
    }

    public static Trigger api(String by) {
        return new Trigger("api", by);
    }

    public static Trigger schedule(String by) {
        return new Trigger("schedule", by);
    }
}
