package dev.agentry.access;

import dev.agentry.AgentryException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a caller may do. Each role grants a set of the permission names that endpoints require with
 * {@code @RolesAllowed}: an operator can do what a viewer can, an auditor reads the audit trail as
 * well as what a viewer reads, an admin can do everything, including managing keys.
 */
public enum Role {
    /** Lists agents, runs and tools, reads runs. */
    VIEWER(Names.VIEWER),
    /** A viewer who also starts and cancels runs, tests tools and decides approvals. */
    OPERATOR(Names.VIEWER, Names.OPERATOR),
    /** A viewer who also reads, verifies and exports the audit trail. */
    AUDITOR(Names.VIEWER, Names.AUDITOR),
    /** Everything, keys included. */
    ADMIN(Names.VIEWER, Names.OPERATOR, Names.AUDITOR, Names.ADMIN);

    /** The permission names, as constants for {@code @RolesAllowed}. */
    public static final class Names {
        public static final String VIEWER = "viewer";
        public static final String OPERATOR = "operator";
        public static final String AUDITOR = "auditor";
        public static final String ADMIN = "admin";

        private Names() {}
    }

    private final Set<String> grants;

    Role(String... grants) {
        this.grants = Set.of(grants);
    }

    /** The permission names this role holds. */
    public Set<String> grants() {
        return grants;
    }

    /** The role's name as written in requests and responses. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws AgentryException.InvalidInput naming the roles there are
     */
    public static Role of(String id) {
        for (Role role : values()) {
            if (role.id().equals(id)) {
                return role;
            }
        }
        throw new AgentryException.InvalidInput("'" + id + "' is not a role; use one of "
                + Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", ")));
    }
}
