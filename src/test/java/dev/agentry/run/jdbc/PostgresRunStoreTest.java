package dev.agentry.run.jdbc;

import dev.agentry.fixtures.PostgresSchemas;
import dev.agentry.store.StoreDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The run store contract on PostgreSQL, each test in a schema of its own ({@link PostgresSchemas}). */
class PostgresRunStoreTest extends RunStoreContract {

    private final PostgresSchemas schemas = new PostgresSchemas();

    @BeforeAll
    static void requireServer() {
        PostgresSchemas.requireServer("the run store");
    }

    @Override
    protected StoreDatabase open() {
        return schemas.open();
    }

    @AfterEach
    void dropSchema() {
        schemas.drop();
    }
}
