package dev.agentry.run;

import java.util.Set;

/**
 * A page of runs, newest first.
 *
 * @param agent only this agent's runs; null for all
 * @param status only runs in this status; null for all
 * @param limit page size, 1 to 100
 * @param cursor the id of the last run of the previous page; null for the first page
 * @param among only runs of these agents (the caller's, for a key limited to some); null for every agent
 */
public record RunQuery(String agent, RunStatus status, int limit, String cursor, Set<String> among) {

    public static final int MAX_LIMIT = 100;

    public RunQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        among = among == null ? null : Set.copyOf(among);
    }

    public RunQuery(String agent, RunStatus status, int limit, String cursor) {
        this(agent, status, limit, cursor, null);
    }
}
