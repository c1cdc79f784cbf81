package dev.agentry.run.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The run store contract on PostgreSQL at 127.0.0.1:5432, database {@code test}, user {@code postgres}
 * ({@code AGENTRY_TEST_PG_URL} overrides). Each test gets a schema of its own, dropped afterwards.
 * When no server answers, the tests are skipped with a message saying so.
 */
class PostgresRunStoreTest extends RunStoreContract {

    private static final String SERVER =
            System.getenv().getOrDefault("AGENTRY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = "postgres";

    private String schema;

    @BeforeAll
    static void requireServer() {
        boolean reachable;
        try (Connection connection = DriverManager.getConnection(SERVER + "?connectTimeout=3", USER, "")) {
            reachable = connection.isValid(3);
        } catch (SQLException e) {
            reachable = false;
        }
        if (!reachable) {
            System.err.println("SKIPPED: PostgreSQL is not reachable at " + SERVER
                    + "; the run store was tested on H2 only. Start PostgreSQL to test both.");
        }
        assumeTrue(reachable, "PostgreSQL is not reachable at " + SERVER);
    }

    @Override
    protected StoreDatabase open() {
        schema = "agentry_test_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        return StoreDatabase.open(SERVER + "?currentSchema=" + schema, USER, null, 4);
    }

    @AfterEach
    void dropSchema() {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
