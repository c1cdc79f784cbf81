package dev.agentry.run;

/**
 * A page of runs, newest first.
 *
 * @param agent only this agent's runs; null for all
 * @param status only runs in this status; null for all
 * @param limit page size, 1 to 100
 * @param cursor the id of the last run of the previous page; null for the first page
 */
public record RunQuery(String agent, RunStatus status, int limit, String cursor) {

    public static final int MAX_LIMIT = 100;

    public RunQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }
}
