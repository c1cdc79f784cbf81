package dev.agentry.schedule.jdbc;

import dev.agentry.fixtures.PostgresSchemas;
import dev.agentry.store.StoreDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The schedule contract on PostgreSQL, where replicas meet at the occurrence's primary key. */
class PostgresScheduleTest extends ScheduleContract {

    private final PostgresSchemas schemas = new PostgresSchemas();

    @BeforeAll
    static void requireServer() {
        PostgresSchemas.requireServer("schedules");
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
