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

    /**
     * Appends a fact without waiting until it is durable: for a fact that nothing outside depends on
     * until the caller's next durable write (a model request, a model's answer, a tool's result, a
     * run's start before its row). The journal commits in the order things are handed to it, so once
     * that later write returns the record has been committed too, and {@link Later#record()} answers
     * at once. A caller asks it before anything depends on the fact (a tool call is sent, a run ends),
     * so a record that could not be written still stops what needed it.
     */
    default Later appendLater(Fact fact) {
        AuditRecord record = append(fact);
        return () -> record;
    }

    /** A fact handed to the journal, not yet known to be durable. */
    @FunctionalInterface
    interface Later {
        /**
         * The record, once durable.
         *
         * @throws dev.agentry.AgentryException.Unavailable when it could not be written
         */
        AuditRecord record();
    }
}
