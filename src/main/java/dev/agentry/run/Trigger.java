package dev.agentry.run;

import static java.util.Objects.requireNonNull;

/**
 * What started a run.
 *
 * @param type {@code api}, {@code schedule}, or {@code tool-test} for an operator's direct call of
 *     one tool
 * @param by who or what: the caller for {@code api} and {@code tool-test}, the schedule's agent for
 *     {@code schedule}
 */
public record Trigger(String type, String by) {

    public Trigger {
        requireNonNull(type, "type");
        if (!type.equals("api") && !type.equals("schedule") && !type.equals("tool-test")) {
            throw new IllegalArgumentException("not a trigger type: " + type);
        }
    }

    public static Trigger api(String by) {
        return new Trigger("api", by);
    }

    public static Trigger schedule(String by) {
        return new Trigger("schedule", by);
    }

    public static Trigger toolTest(String by) {
        return new Trigger("tool-test", by);
    }
}
