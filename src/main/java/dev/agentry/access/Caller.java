package dev.agentry.access;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * An authenticated caller: who it is, its role, and the agents it may see.
 *
 * @param agents the agents whose runs, approvals and audit records the caller may see and act on;
 *     {@link #ALL_AGENTS} alone for every agent
 */
public record Caller(Actor actor, Role role, Set<String> agents) {

    /** The agent list that stands for every agent. */
    public static final String ALL_AGENTS = "*";

    public Caller {
        requireNonNull(actor, "actor");
        requireNonNull(role, "role");
        agents = Set.copyOf(agents);
        if (agents.isEmpty()) {
            throw new IllegalArgumentException("a caller may see at least one agent, or '*' for all");
        }
    }

    /** Whether this caller may see and act on {@code agent}'s runs. */
    public boolean sees(String agent) {
        return agents.contains(ALL_AGENTS) || agents.contains(agent);
    }

    /** Whether this caller is limited to some agents. */
    public boolean limited() {
        return !agents.contains(ALL_AGENTS);
    }
}
