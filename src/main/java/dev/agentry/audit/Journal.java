package dev.agentry.audit;

import java.util.List;

/**
 * The one write path for the facts of runs, assets and access: append-only, hash-chained, and durable
 * before {@link #append} returns, so a caller that goes on to act (send a tool call) knows its intent
 * is on record.
 */
public interface Journal {

    /**
     * Appends a fact and returns its record once it is durable.
     *
     * @throws dev.agentry.AgentryException.Unavailable when the journal cannot be written; whatever the
     *     fact announces must then not happen
     */
    AuditRecord append(Fact fact);

    /**
     * Appends facts that belong together (a policy decision and the intent it allows) as consecutive
     * records, durable together, at the cost of one append.
     */
    default List<AuditRecord> appendAll(List<Fact> facts) {
        return facts.stream().map(this::append).toList();
    }
}
