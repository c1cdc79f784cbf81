package dev.agentry.audit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import dev.agentry.audit.AuditQuery;
import dev.agentry.audit.AuditRecord;
import dev.agentry.audit.AuditStore;
import dev.agentry.audit.Chain;
import dev.agentry.audit.Fact;
import dev.agentry.audit.GroupCommit;
import dev.agentry.audit.Journal;
import dev.agentry.audit.RecordType;
import dev.agentry.store.StoreDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the journal promises on every database it runs on. */
abstract class JournalContract {

    protected abstract StoreDatabase open();

    private StoreDatabase database;

    @BeforeEach
    void openDatabase() {
        database = open();
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    private static Fact fact(int n) {
        return new Fact(
                RecordType.TOOL_INTENT,
                "run_" + n,
                "billing",
                Actor.SYSTEM,
                Chain.object().put("n", n));
    }

    @Test
    void two_replicas_appending_concurrently_extend_one_gap_free_chain() throws Exception {
        JdbcJournal one = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        JdbcJournal two = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<AuditRecord>> appended = new ArrayList<>();
        try {
            for (int i = 0; i < 400; i++) {
                JdbcJournal journal = i % 2 == 0 ? one : two;
                Fact fact = fact(i);
                appended.add(writers.submit(() -> journal.append(fact)));
            }
            for (Future<AuditRecord> record : appended) {
                record.get();
            }
        } finally {
            writers.shutdown();
            one.close();
            two.close();
        }

        JdbcJournal reader = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        List<AuditRecord> records = new ArrayList<>();
        reader.scan(1, Long.MAX_VALUE, records::add, checkpoint -> {});
        reader.close();
        assertThat(records).hasSize(400);
        String prev = Chain.GENESIS;
        for (int i = 0; i < records.size(); i++) {
            AuditRecord record = records.get(i);
            assertThat(record.seq()).isEqualTo(i + 1);
            assertThat(record.prev()).isEqualTo(prev);
            assertThat(record.hash()).isEqualTo(Chain.hash(record.body()));
            prev = record.hash();
        }
        assertThat(reader.head()).isEqualTo(new dev.agentry.audit.AuditStore.Head(400, prev));
    }

    @Test
    void an_appended_record_is_read_back_by_run_agent_and_type() {
        JdbcJournal journal = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        try {
            AuditRecord written = journal.append(fact(7));
            journal.append(new Fact(RecordType.RUN_ENDED, "run_7", "billing", Actor.SYSTEM, null));

            List<AuditRecord> read =
                    journal.query(new AuditQuery("run_7", null, RecordType.TOOL_INTENT, null, null, 10, 0, null));

            assertThat(read).containsExactly(written);
            assertThat(read.getFirst().data().path("n").asInt()).isEqualTo(7);
            assertThat(journal.query(new AuditQuery(null, null, null, null, null, 10, 0, java.util.Set.of("other"))))
                    .isEmpty();
        } finally {
            journal.close();
        }
    }

    @Test
    void facts_appended_together_are_consecutive_records_of_one_commit() throws Exception {
        JdbcJournal journal = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        ExecutorService others = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<AuditRecord>> noise = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                Fact fact = fact(100 + i);
                noise.add(others.submit(() -> journal.append(fact)));
            }
            List<AuditRecord> together = journal.appendAll(List.of(fact(1), fact(2), fact(3)));
            for (Future<AuditRecord> record : noise) {
                record.get();
            }

            assertThat(together).extracting(AuditRecord::seq).satisfies(seqs -> {
                assertThat(seqs.get(1)).isEqualTo(seqs.get(0) + 1);
                assertThat(seqs.get(2)).isEqualTo(seqs.get(0) + 2);
            });
            assertThat(together.get(1).prev()).isEqualTo(together.get(0).hash());
            assertThat(together.get(0).at()).isEqualTo(together.get(2).at());
        } finally {
            others.shutdown();
            journal.close();
        }
    }

    /** A store write that inserts {@code n} into a table of the test's own. */
    private static GroupCommit.Write probe(int n) {
        return probeWrite("INSERT INTO group_probe (n) VALUES (?)", n);
    }

    /** A store write that deletes {@code n} from the test's table: it changes a row only if {@code n} is there. */
    private static GroupCommit.Write unprobe(int n) {
        return probeWrite("DELETE FROM group_probe WHERE n = ?", n);
    }

    private static GroupCommit.Write probeWrite(String sql, int n) {
        return connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setInt(1, n);
                return statement.executeUpdate();
            }
        };
    }

    private List<Integer> probes() throws SQLException {
        List<Integer> found = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT n FROM group_probe ORDER BY n");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                found.add(rows.getInt(1));
            }
        }
        return found;
    }

    private void createProbeTable() throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE group_probe (n INTEGER NOT NULL PRIMARY KEY)");
        }
    }

    /**
     * A journal whose writer can be held inside a commit of its own (which changes nothing), so that
     * everything queued meanwhile is committed as one batch once it is released.
     */
    private final class HeldWriter implements AutoCloseable {
        final JdbcJournal journal = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        private final CountDownLatch released = new CountDownLatch(1);
        private Future<Integer> held;

        /** Returns once the writer is inside the held commit. */
        void hold() throws InterruptedException {
            CountDownLatch holding = new CountDownLatch(1);
            held = callers.submit(() -> journal.commit(connection -> {
                holding.countDown();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return 0;
            }));
            if (!holding.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the writer never began the held commit", failure(held));
            }
        }

        private static Throwable failure(Future<?> commit) {
            return commit.isDone() && commit.state() == Future.State.FAILED ? commit.exceptionNow() : null;
        }

        /** Lets the held commit end; what was queued meanwhile follows it. */
        void release() throws Exception {
            released.countDown();
            assertThat(held.get()).isZero();
        }

        @Override
        public void close() {
            released.countDown();
            callers.shutdown();
            journal.close();
        }
    }

    @Test
    void store_writes_join_the_journals_commits_and_a_failing_one_fails_alone() throws Exception {
        createProbeTable();
        try (HeldWriter writer = new HeldWriter()) {
            JdbcJournal journal = writer.journal;
            ExecutorService callers = writer.callers;
            assertThat(journal.commit(probe(1))).isEqualTo(1);
            writer.hold();
            List<Future<AuditRecord>> records = new ArrayList<>();
            List<Future<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Fact fact = fact(i);
                records.add(callers.submit(() -> journal.append(fact)));
                int n = 10 + i;
                writes.add(callers.submit(() -> journal.commit(probe(n))));
            }
            // Same key as the first write: this one fails, and only this one.
            Future<Integer> duplicate = callers.submit(() -> journal.commit(probe(1)));
            Thread.sleep(200);
            writer.release();

            for (Future<Integer> write : writes) {
                assertThat(write.get()).isEqualTo(1);
            }
            assertThatThrownBy(duplicate::get)
                    .hasCauseInstanceOf(AgentryException.Unavailable.class)
                    .cause()
                    .hasMessageStartingWith("the store could not be written: ");
            List<Long> seqs = new ArrayList<>();
            for (Future<AuditRecord> record : records) {
                seqs.add(record.get().seq());
            }
            assertThat(seqs).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(probes()).containsExactly(1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
        }
    }

    @Test
    void writes_handed_over_without_waiting_are_committed_before_what_follows_them() throws Exception {
        createProbeTable();
        try (HeldWriter writer = new HeldWriter()) {
            JdbcJournal journal = writer.journal;
            ExecutorService callers = writer.callers;
            assertThat(journal.commit(probe(1))).isEqualTo(1);
            writer.hold();
            GroupCommit.Pending added = journal.commitLater(probe(2));
            GroupCommit.Pending refused = journal.commitLater(probe(1));
            Future<AuditRecord> after = callers.submit(() -> journal.append(fact(0)));
            Thread.sleep(100);
            writer.release();

            assertThat(after.get().seq()).isEqualTo(1);
            // Once a record handed over after them is durable, both writes are decided.
            assertThat(probes()).containsExactly(1, 2);
            assertThat(added.rows()).isEqualTo(1);
            assertThatThrownBy(refused::rows)
                    .isInstanceOf(AgentryException.Unavailable.class)
                    .hasMessageStartingWith("the store could not be written: ");
        }
    }

    @Test
    void a_fact_recorded_with_a_write_is_left_out_when_the_write_changes_nothing() throws Exception {
        createProbeTable();
        try (HeldWriter writer = new HeldWriter()) {
            JdbcJournal journal = writer.journal;
            ExecutorService callers = writer.callers;
            assertThat(journal.commit(probe(1))).isEqualTo(1);
            assertThat(journal.commitRecorded(unprobe(2), fact(0))).isZero();
            assertThat(journal.head()).isEqualTo(new AuditStore.Head(0, Chain.GENESIS));
            // In one batch: a record, a write that changes nothing, one that does, and a record after them.
            writer.hold();
            Future<AuditRecord> first = callers.submit(() -> journal.append(fact(1)));
            Thread.sleep(50);
            Future<Integer> nothing = callers.submit(() -> journal.commitRecorded(unprobe(3), fact(2)));
            Thread.sleep(50);
            Future<Integer> something = callers.submit(() -> journal.commitRecorded(unprobe(1), fact(3)));
            Thread.sleep(50);
            Future<AuditRecord> last = callers.submit(() -> journal.append(fact(4)));
            Thread.sleep(100);
            writer.release();

            assertThat(nothing.get()).isZero();
            assertThat(something.get()).isEqualTo(1);
            assertThat(first.get().seq()).isEqualTo(1);
            assertThat(last.get().seq()).isEqualTo(3);
            List<AuditRecord> records = new ArrayList<>();
            journal.scan(1, Long.MAX_VALUE, records::add, checkpoint -> {});
            assertThat(records).extracting(AuditRecord::runId).containsExactly("run_1", "run_3", "run_4");
            assertThat(records.get(1).prev()).isEqualTo(records.get(0).hash());
            assertThat(records.get(2).prev()).isEqualTo(records.get(1).hash());
            assertThat(probes()).isEmpty();
        }
    }

    @Test
    void a_store_write_that_finds_the_database_gone_fails_its_whole_commit_without_retrying_each() throws Exception {
        try (HeldWriter writer = new HeldWriter()) {
            JdbcJournal journal = writer.journal;
            ExecutorService callers = writer.callers;
            writer.hold();
            List<Future<AuditRecord>> records = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Fact fact = fact(i);
                records.add(callers.submit(() -> journal.append(fact)));
            }
            Future<Integer> broken = callers.submit(() -> journal.commit(connection -> {
                throw new SQLException("connection reset", "08006");
            }));
            Thread.sleep(200);
            writer.release();

            assertThatThrownBy(broken::get).hasCauseInstanceOf(AgentryException.Unavailable.class);
            for (Future<AuditRecord> record : records) {
                assertThatThrownBy(record::get)
                        .as("written in the same commit as the failed write, and not tried again alone")
                        .cause()
                        .hasMessageStartingWith("the audit journal could not be written: connection reset");
            }
            assertThat(journal.head().seq()).isZero();
        }
    }

    @Test
    void closing_writes_what_was_queued_then_refuses_more() {
        JdbcJournal journal = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        List<Journal.Later> queued = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            queued.add(journal.appendLater(fact(i)));
        }

        // The writer stops once it has written what was queued; close() gives up on it after 10 s.
        assertTimeoutPreemptively(Duration.ofSeconds(5), journal::close);

        assertThat(queued)
                .extracting(later -> later.record().seq())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(journal.head().seq()).isEqualTo(50);
        // Refused when handed over, not when waited for: a journal that took it would never write it.
        assertThatThrownBy(() -> journal.appendLater(fact(51)))
                .isInstanceOf(AgentryException.Unavailable.class)
                .hasMessageContaining("closed");
    }

    @Test
    void an_append_to_a_database_that_went_away_fails_saying_so_and_records_nothing() {
        JdbcJournal journal = new JdbcJournal(database.dataSource(), Clock.systemUTC());
        database.close();
        try {
            assertThatThrownBy(() -> journal.append(fact(1)))
                    .isInstanceOf(AgentryException.Unavailable.class)
                    .hasMessageStartingWith("the audit journal could not be written: ");
        } finally {
            journal.close();
        }
        database = open();
    }
}
