package dev.agentry.audit.jdbc;

import dev.agentry.store.StoreDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** Keeps the audit journal in the run store's database. */
@ApplicationScoped
public class JournalProducer {

    @Produces
    @ApplicationScoped
    JdbcJournal journal(StoreDatabase database, Clock clock) {
        return new JdbcJournal(database.dataSource(), clock);
    }

    void close(@Disposes JdbcJournal journal) {
        journal.close();
    }
}
