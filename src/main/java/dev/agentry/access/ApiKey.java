package dev.agentry.access;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * An API key as stored and listed: everything but the key, which is shown once, when it is created.
 *
 * @param agents the agents it may see, or {@code ["*"]} for all
 * @param createdBy who created it, as {@link Actor#describe()} says
 * @param revokedAt when it was revoked, or null while it is in force
 */
public record ApiKey(
        String id,
        String name,
        Role role,
        List<String> agents,
        Instant createdAt,
        String createdBy,
        Instant revokedAt) {

    public ApiKey {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(role, "role");
        agents = List.copyOf(agents);
        requireNonNull(createdAt, "createdAt");
        requireNonNull(createdBy, "createdBy");
    }

    /** The caller this key makes of whoever presents it. */
    public Caller caller() {
        return new Caller(Actor.key(id, name), role, java.util.Set.copyOf(agents));
    }
}
