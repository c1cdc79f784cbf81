package dev.agentry.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a run is in its life. Terminal statuses never change again. */
public enum RunStatus {
    QUEUED,
    RUNNING,
    AWAITING_APPROVAL,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the statuses there are */
    public static RunStatus of(String id) {
        for (RunStatus status : values()) {
            if (status.id().equals(id)) {
                return status;
            }
        }
        throw new IllegalArgumentException("'" + id
                + "' is not a run status; use one of queued, running, awaiting_approval, succeeded, failed, cancelled");
    }

    @Override
    public String toString() {
        return id();
    }
}
