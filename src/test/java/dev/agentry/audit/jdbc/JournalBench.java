package dev.agentry.audit.jdbc;

import dev.agentry.access.Actor;
import dev.agentry.audit.Chain;
import dev.agentry.audit.Fact;
import dev.agentry.audit.RecordType;
import dev.agentry.fixtures.Bench;
import dev.agentry.fixtures.PostgresSchemas;
import dev.agentry.store.StoreDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's durable append rate with 64 concurrent writers (target: 20,000 records/s), and one
 * record appended alone against one plain single-row commit on the same store (target: within 1.5x),
 * on the H2 file store and, where it answers, PostgreSQL. Both sides run in this JVM, one after the other.
 * A third side tells the journal's own cost from its record's: the same record row (same columns and
 * indexes, body and hash computed the same way) inserted directly, with no queue and no writer thread.
 */
@Tag("bench")
class JournalBench {

    private static final int WRITERS = 64;
    private static final int PER_WRITER = 1_000;
    private static final int ALONE = 2_000;

    @TempDir
    Path dir;

    @Test
    void group_commit_throughput_and_a_lone_append_against_a_plain_commit() throws Exception {
        List<Bench.Row> rows = new ArrayList<>();
        try (StoreDatabase h2 = StoreDatabase.open(
                "jdbc:h2:file:" + dir.resolve("agentry") + ";DB_CLOSE_ON_EXIT=FALSE", null, null, 20)) {
            measure("H2 file", h2, rows);
        }
        PostgresSchemas schemas = new PostgresSchemas();
        try {
            PostgresSchemas.requireServer("the journal benchmark");
            try (StoreDatabase postgres = schemas.open()) {
                measure("PostgreSQL", postgres, rows);
            }
        } catch (org.opentest4j.TestAbortedException noServer) {
            rows.add(Bench.row("PostgreSQL", "not measured", "no server at 127.0.0.1:5432"));
        } finally {
            schemas.drop();
        }
        Bench.report("Audit journal: durable appends", rows);
    }

    private static void measure(String store, StoreDatabase database, List<Bench.Row> rows) throws Exception {
        JdbcJournal journal = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        try {
            concurrent(journal, 200); // warm-up
            long t0 = System.nanoTime();
            concurrent(journal, PER_WRITER);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double rate = WRITERS * PER_WRITER / seconds;
            rows.add(Bench.row(
                    store + ": " + WRITERS + " writers x " + PER_WRITER + " records",
                    "%,.0f records/s".formatted(rate),
                    "target 20,000 " + Bench.verdict(rate >= 20_000)));
            double[] append = new double[ALONE];
            double[] plain = new double[ALONE];
            double[] direct = new double[ALONE];
            createTables(database);
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < ALONE; i++) {
                    long id = (long) round * ALONE + i + 1;
                    long a = System.nanoTime();
                    journal.append(fact(i));
                    append[i] = (System.nanoTime() - a) / 1e3;
                    long p = System.nanoTime();
                    plainCommit(database, id, i);
                    plain[i] = (System.nanoTime() - p) / 1e3;
                    long d = System.nanoTime();
                    recordCommit(database, id, i);
                    direct[i] = (System.nanoTime() - d) / 1e3;
                }
            }
            Arrays.sort(append);
            Arrays.sort(plain);
            Arrays.sort(direct);
            double ratio = append[ALONE / 2] / plain[ALONE / 2];
            rows.add(Bench.row(
                    store + ": one record appended alone, p50",
                    "%.0f µs vs %.0f µs for a plain single-row commit".formatted(append[ALONE / 2], plain[ALONE / 2]),
                    "%.2fx, target <= 1.5x %s".formatted(ratio, Bench.verdict(ratio <= 1.5))));
            rows.add(Bench.row(
                    store + ": the same record row inserted directly, p50",
                    "%.0f µs (%.2fx the plain commit)"
                            .formatted(direct[ALONE / 2], direct[ALONE / 2] / plain[ALONE / 2]),
                    "the journal's own share: appended alone %.2fx this"
                            .formatted(append[ALONE / 2] / direct[ALONE / 2])));
        } finally {
            journal.close();
        }
    }

    private static void concurrent(JdbcJournal journal, int each) throws Exception {
        ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                done.add(writers.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        journal.append(fact(i));
                    }
                    return null;
                }));
            }
            for (Future<?> writer : done) {
                writer.get();
            }
        } finally {
            writers.shutdown();
        }
    }

    private static Fact fact(int n) {
        return new Fact(
                RecordType.TOOL_INTENT,
                "run_01JD5Y8C9V3M0Q8X4T6B2N7R1K",
                "billing",
                Actor.SYSTEM,
                Chain.object().put("tool", "crm.find_contact").put("n", n));
    }

    /** The plain rows' table, and a copy of the journal's table (V3__audit.sql) with its two indexes. */
    private static void createTables(StoreDatabase database) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE plain_rows (id BIGINT PRIMARY KEY, body VARCHAR(1000))");
            statement.execute("CREATE TABLE record_rows (seq BIGINT NOT NULL PRIMARY KEY,"
                    + " at TIMESTAMP WITH TIME ZONE NOT NULL, type VARCHAR(40) NOT NULL, run_id VARCHAR(40),"
                    + " agent VARCHAR(130), body VARCHAR(1000000) NOT NULL, hash CHAR(64) NOT NULL)");
            statement.execute("CREATE INDEX record_rows_by_run ON record_rows (run_id, seq)");
            statement.execute("CREATE INDEX record_rows_by_agent ON record_rows (agent, seq)");
        }
    }

    /** What the journal's insert of a lone record does, on the caller's thread. */
    private static void recordCommit(StoreDatabase database, long seq, int n) throws SQLException {
        Fact fact = fact(n);
        Instant at = Instant.now();
        String body = Chain.body(seq, at, fact, Chain.dataText(fact.data()), Chain.GENESIS);
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO record_rows " + JdbcJournal.COLUMNS)) {
            JdbcJournal.bind(insert, seq, at, fact, body, Chain.hash(body));
            insert.executeUpdate();
        }
    }

    private static void plainCommit(StoreDatabase database, long id, int n) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO plain_rows VALUES (?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, Chain.dataText(fact(n).data()));
            insert.executeUpdate();
        }
    }
}
