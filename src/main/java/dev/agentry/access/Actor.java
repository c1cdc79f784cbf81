package dev.agentry.access;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * Who did something, as runs and audit records name them: an API key (by id, with its name), an OIDC
 * token's subject, a schedule, or Agentry itself.
 *
 * @param id the key's id, the token's subject, the scheduled agent, or {@code agentry}
 * @param name a readable name: the key's name, the token's preferred name, or the id again
 */
public record Actor(Type type, String id, String name) {

    /** The kinds of actor. */
    public enum Type {
        KEY,
        OIDC,
        SCHEDULE,
        SYSTEM;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Actor SYSTEM = new Actor(Type.SYSTEM, "agentry", "agentry");

    public Actor {
        requireNonNull(type, "type");
        requireNonNull(id, "id");
        requireNonNull(name, "name");
    }

    public static Actor key(String id, String name) {
        return new Actor(Type.KEY, id, name);
    }

    public static Actor schedule(String agent) {
        return new Actor(Type.SCHEDULE, agent, agent);
    }

    /** How a run's {@code trigger.by} names this actor: {@code key ops-bot (key_...)}, {@code oidc alice}, ... */
    public String describe() {
        return switch (type) {
            case KEY -> "key " + name + " (" + id + ")";
            case OIDC -> "oidc " + id;
            case SCHEDULE -> "schedule " + id;
            case SYSTEM -> "system";
        };
    }
}
