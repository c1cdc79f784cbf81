package dev.agentry.audit;

import java.time.Instant;
import java.util.Set;

/**
 * A page of records, oldest first.
 *
 * @param after the seq of the last record of the previous page (the cursor); 0 for the first page
 * @param among only these agents' records (a key limited to some); null for all
 */
public record AuditQuery(
        String runId,
        String agent,
        RecordType type,
        Instant since,
        Instant until,
        int limit,
        long after,
        Set<String> among) {

    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        among = among == null ? null : Set.copyOf(among);
    }
}
