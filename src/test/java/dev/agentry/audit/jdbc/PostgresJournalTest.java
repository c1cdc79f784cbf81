package dev.agentry.audit.jdbc;

import dev.agentry.fixtures.PostgresSchemas;
import dev.agentry.store.StoreDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The journal contract on PostgreSQL, where replicas share one chain through the locked head row. */
class PostgresJournalTest extends JournalContract {

    private final PostgresSchemas schemas = new PostgresSchemas();

    @BeforeAll
    static void requireServer() {
        PostgresSchemas.requireServer("the audit journal");
    }

    @Override
    protected StoreDatabase open() {
        schemas.drop();
        return schemas.open();
    }

    @AfterEach
    void dropSchema() {
        schemas.drop();
    }
}
