package dev.agentry.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreDatabaseTest {

    @TempDir
    Path dir;

    /**
     * Quartz interrupts its threads when it stops, in the middle of their commits; on H2's plain file
     * system that closed the database for everyone.
     */
    @Test
    void a_thread_interrupted_while_it_writes_the_h2_file_leaves_the_database_open() throws Exception {
        try (StoreDatabase database = StoreDatabase.open("jdbc:h2:file:" + dir.resolve("store"), null, null, 4)) {
            execute(database, "CREATE TABLE interrupted_writes (n INTEGER NOT NULL PRIMARY KEY, body VARCHAR(2000))");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger written = new AtomicInteger();
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int n = 0; !stop.get(); n++) {
                    try (Connection connection = database.dataSource().getConnection();
                            PreparedStatement insert = connection.prepareStatement(
                                    "INSERT INTO interrupted_writes (n, body) VALUES (?, ?)")) {
                        insert.setInt(1, n);
                        insert.setString(2, "x".repeat(1_500));
                        insert.executeUpdate();
                        written.incrementAndGet();
                    } catch (SQLException e) {
                        // An interrupted statement may fail; the database must not.
                    }
                }
            });
            for (int i = 0; i < 100 && writer.isAlive(); i++) {
                Thread.sleep(5);
                writer.interrupt();
            }
            stop.set(true);
            writer.join();

            assertThat(written.get()).as("rows written while being interrupted").isPositive();
            execute(database, "INSERT INTO interrupted_writes (n, body) VALUES (-1, 'after')");
            try (Connection connection = database.dataSource().getConnection();
                    PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM interrupted_writes");
                    ResultSet row = count.executeQuery()) {
                row.next();
                assertThat(row.getInt(1)).isEqualTo(written.get() + 1);
            }
        }
    }

    private static void execute(StoreDatabase database, String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
        }
    }
}
