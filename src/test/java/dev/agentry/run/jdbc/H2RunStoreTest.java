package dev.agentry.run.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.store.StoreDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run store contract on an embedded H2 file, Agentry's default. */
class H2RunStoreTest extends RunStoreContract {

    @TempDir
    Path dir;

    @Override
    protected StoreDatabase open() {
        return StoreDatabase.open("jdbc:h2:file:" + dir.resolve("agentry") + ";DB_CLOSE_ON_EXIT=FALSE", null, null, 4);
    }

    /**
     * The statements on every run's path find the run by its primary key, also once H2 has learned
     * that most runs have ended: it then preferred the index on (status, id) and read every active run.
     */
    @Test
    void a_runs_start_end_and_lease_renewal_find_it_by_its_primary_key() throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO runs (id, agent, status, trigger_type, created_at, owner)"
                    + " SELECT 'run_' || X, 'bench', CASE WHEN X <= 1000 THEN 'running' ELSE 'succeeded' END, 'api',"
                    + " CURRENT_TIMESTAMP, 'node' FROM SYSTEM_RANGE(1, 8000)");
            statement.execute("ANALYZE");
            for (String sql : new String[] {JdbcRunStore.START, JdbcRunStore.FINISH, JdbcRunStore.RENEW}) {
                assertThat(plan(connection, sql))
                        .as(sql)
                        .contains("PRIMARY_KEY")
                        .doesNotContain("RUNS_BY_");
            }
        }
    }

    private static String plan(Connection connection, String sql) throws SQLException {
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 1; i <= explain.getParameterMetaData().getParameterCount(); i++) {
                explain.setObject(i, null);
            }
            try (ResultSet plan = explain.executeQuery()) {
                plan.next();
                return plan.getString(1);
            }
        }
    }
}
