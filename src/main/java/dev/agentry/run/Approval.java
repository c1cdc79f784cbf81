package dev.agentry.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;

/**
 * A tool call that a policy sent to a person, and what the person (or the clock) decided.
 *
 * @param step the index the call's step will have
 * @param callId the model's id for the call, unique within the run
 * @param arguments the arguments as the model sent them; an approver cannot change them
 * @param decidedBy who decided: the key or token's name and id, or {@code system} for an expiry
 */
public record Approval(
        String id,
        String runId,
        String agent,
        int step,
        String callId,
        String tool,
        JsonNode arguments,
        String origin,
        String policy,
        String rule,
        String reason,
        Status status,
        Instant requestedAt,
        Instant expiresAt,
        Instant decidedAt,
        String decidedBy,
        String comment) {

    public Approval {
        requireNonNull(id, "id");
        requireNonNull(runId, "runId");
        requireNonNull(callId, "callId");
        requireNonNull(tool, "tool");
        requireNonNull(status, "status");
    }

    public enum Status {
        PENDING,
        APPROVED,
        REJECTED,
        EXPIRED,
        CANCELLED;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException naming the statuses there are */
        public static Status of(String id) {
            for (Status status : values()) {
                if (status.id().equals(id)) {
                    return status;
                }
            }
            throw new IllegalArgumentException("'" + id
                    + "' is not an approval status; use one of pending, approved, rejected, expired, cancelled");
        }

        @Override
        public String toString() {
            return id();
        }
    }
}
