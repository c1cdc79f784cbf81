package dev.agentry.audit.jdbc;

import dev.agentry.AgentryException;
import dev.agentry.audit.AuditQuery;
import dev.agentry.audit.AuditRecord;
import dev.agentry.audit.AuditStore;
import dev.agentry.audit.Chain;
import dev.agentry.audit.Checkpoint;
import dev.agentry.audit.Fact;
import dev.agentry.audit.GroupCommit;
import dev.agentry.audit.Journal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import javax.sql.DataSource;

/**
 * The journal in the store's database, with group commit: appenders queue their fact and wait; one
 * writer thread takes everything queued, inserts it as the next records of the chain and commits once,
 * then releases the appenders. Under load a commit carries many records; alone, a record is one
 * auto-committed insert, as a plain row would be. Other writes to the store (a run's step) can join
 * the same commits ({@link GroupCommit}). The writer is a thread of its own because it is never
 * interrupted: run threads are, when a run is cancelled, and an interrupt breaks off the I/O it lands
 * in (on PostgreSQL it closes the connection; H2 reopens its file, see {@code StoreDatabase}).
 *
 * <p>The writer keeps the chain's head in memory. Replicas sharing a database extend one chain: a
 * record's seq is its primary key, so an insert whose seq another replica took first fails; the writer
 * then re-reads the head and builds the batch again on top of it.
 */
public final class JdbcJournal implements Journal, AuditStore, GroupCommit, AutoCloseable {

    /** Most facts one commit carries. */
    static final int MAX_BATCH = 512;

    /** Attempts at a batch whose seq numbers other replicas keep taking first. */
    private static final int MAX_ATTEMPTS = 50;

    /** The columns of a record's insert and their parameters, as {@link #bind} sets them. */
    static final String COLUMNS = "(seq, at, type, run_id, agent, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private static final String DUPLICATE_KEY = "23505";
    private static final Queued CLOSE = new Queued(List.of(), List.of(), null, false, null);

    private final DataSource dataSource;
    private final Clock clock;
    private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** The last record this process knows of; null until read. Only the writer thread touches it. */
    private Head head;

    private volatile boolean closed;

    /**
     * Facts appended together, their data as text, a store write committed with them (or null), whether
     * the facts are recorded only if the write changes a row, and what they became.
     */
    private record Queued(
            List<Fact> facts, List<String> data, Write write, boolean onlyIfWritten, CompletableFuture<Written> done) {

        /** Statements this needs: one insert per fact, and the write. */
        int statements() {
            return facts.size() + (write == null ? 0 : 1);
        }

        /** Whether its facts are recorded, given the rows its write changed. */
        boolean recorded(int updated) {
            return !onlyIfWritten || updated > 0;
        }
    }

    /** The records a pending append became, and the rows its write changed. */
    private record Written(List<AuditRecord> records, int updated) {}

    public JdbcJournal(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.writer = Thread.ofPlatform().daemon().name("agentry-journal").start(this::writeUntilClosed);
    }

    @Override
    public AuditRecord append(Fact fact) {
        return appendAll(List.of(fact)).getFirst();
    }

    /**
     * {@inheritDoc} An interrupt while waiting does not abandon the records: the caller still learns
     * whether they became durable, and its interrupt status is kept.
     */
    @Override
    public List<AuditRecord> appendAll(List<Fact> facts) {
        return await(enqueue(facts, null, false)).records();
    }

    @Override
    public Later appendLater(Fact fact) {
        Queued pending = enqueue(List.of(fact), null, false);
        return () -> await(pending).records().getFirst();
    }

    /**
     * {@inheritDoc} The write joins the writer's next commit, or is committed alone when nothing else
     * is queued. Its failure names the store, not the journal: a write records no fact.
     */
    @Override
    public int commit(Write write) {
        return await(enqueue(List.of(), write, false)).updated();
    }

    /** {@inheritDoc} A failure names the journal: the fact may be what failed. */
    @Override
    public int commitRecorded(Write write, Fact ifWritten) {
        return await(enqueue(List.of(ifWritten), write, true)).updated();
    }

    @Override
    public GroupCommit.Pending commitLater(Write write) {
        Queued pending = enqueue(List.of(), write, false);
        return new GroupCommit.Pending() {
            @Override
            public int rows() {
                return await(pending).updated();
            }

            @Override
            public void whenCommitted(IntConsumer then) {
                pending.done().thenAccept(written -> then.accept(written.updated()));
            }
        };
    }

    private Queued enqueue(List<Fact> facts, Write write, boolean onlyIfWritten) {
        if (closed) {
            throw new AgentryException.Unavailable(
                    (facts.isEmpty() ? "the store" : "the audit journal") + " is closed (the service is stopping)");
        }
        Queued pending = new Queued(
                List.copyOf(facts),
                facts.stream().map(fact -> Chain.dataText(fact.data())).toList(),
                write,
                onlyIfWritten,
                new CompletableFuture<>());
        queue.add(pending);
        return pending;
    }

    /**
     * Waits until the writer has committed {@code pending} or given up on it. An interrupt while waiting
     * does not abandon it: the caller still learns whether it became durable, and its interrupt status
     * is kept.
     */
    private static Written await(Queued pending) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return pending.done().get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AgentryException agentry) {
                throw agentry;
            }
            throw new AgentryException.Unavailable("the store could not be written: " + e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void writeUntilClosed() {
        List<Queued> batch = new ArrayList<>(MAX_BATCH);
        boolean closing = false;
        while (!closing) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            // By identity: a record's equals would compare every component of each queued write.
            closing = batch.removeIf(pending -> pending == CLOSE);
            if (!batch.isEmpty()) {
                write(batch);
            }
            batch.clear();
        }
        AgentryException closed =
                new AgentryException.Unavailable("the audit journal closed (the service is stopping)");
        queue.forEach(pending -> {
            if (pending != CLOSE) {
                pending.done().completeExceptionally(closed);
            }
        });
    }

    private void write(List<Queued> batch) {
        try {
            List<Written> written = commit(batch);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(written.get(i));
            }
        } catch (WriteFailed e) {
            if (batch.size() > 1 && e.ownData()) {
                // One store write's data failed the whole commit: each goes again alone, so that only its own
                // fails. Not when the database failed: every one would wait for it again.
                batch.forEach(pending -> write(List.of(pending)));
            } else {
                fail(batch, e.getCause());
            }
        } catch (SQLException | RuntimeException e) {
            head = null;
            fail(batch, e);
        }
    }

    private static void fail(List<Queued> batch, Throwable e) {
        for (Queued pending : batch) {
            pending.done()
                    .completeExceptionally(new AgentryException.Unavailable(
                            pending.facts().isEmpty()
                                    ? "the store could not be written: " + e.getMessage()
                                    : "the audit journal could not be written: " + e.getMessage()
                                            + "; nothing that needed the record was done. Check the store's database"));
        }
    }

    /** A store write of a batch failed (not the journal's own inserts): the batch is not retried as it is. */
    private static final class WriteFailed extends Exception {
        WriteFailed(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        /**
         * Whether the write's own data was refused (SQL states 22, data exception, and 23, integrity
         * constraint violation), not the connection or the database.
         */
        boolean ownData() {
            String state = rootState((SQLException) getCause());
            return state.startsWith("22") || state.startsWith("23");
        }
    }

    /**
     * Writes the batch as the next records of the chain, with its store writes, in one transaction. One
     * statement alone (a record, or a write) is auto-committed: a transaction of its own would add a
     * BEGIN and a COMMIT, on PostgreSQL a second round trip.
     */
    private List<Written> commit(List<Queued> batch) throws SQLException, WriteFailed {
        boolean alone = batch.size() == 1 && batch.getFirst().statements() == 1;
        boolean records = batch.stream().anyMatch(pending -> !pending.facts().isEmpty());
        try (Connection connection = dataSource.getConnection()) {
            for (int attempt = 1; ; attempt++) {
                if (head == null && records) {
                    head = readHead(connection);
                }
                if (!alone) {
                    connection.setAutoCommit(false);
                }
                try {
                    // The store's writes first: a fact recorded only if its write changed a row needs to know.
                    int[] updated = new int[batch.size()];
                    for (int i = 0; i < batch.size(); i++) {
                        updated[i] = storeWrite(connection, batch.get(i));
                    }
                    List<AuditRecord> inserted = records ? insert(connection, batch, updated) : List.of();
                    List<Written> written = new ArrayList<>(batch.size());
                    int next = 0;
                    for (int i = 0; i < batch.size(); i++) {
                        Queued pending = batch.get(i);
                        int count =
                                pending.recorded(updated[i]) ? pending.facts().size() : 0;
                        written.add(new Written(inserted.subList(next, next + count), updated[i]));
                        next += count;
                    }
                    if (!alone) {
                        connection.commit();
                    }
                    if (!inserted.isEmpty()) {
                        head = new Head(
                                inserted.getLast().seq(), inserted.getLast().hash());
                    }
                    return written;
                } catch (WriteFailed e) {
                    if (!alone) {
                        connection.rollback();
                    }
                    throw e;
                } catch (SQLException e) {
                    if (!alone) {
                        connection.rollback();
                    }
                    head = null;
                    if (!DUPLICATE_KEY.equals(rootState(e)) || attempt == MAX_ATTEMPTS) {
                        throw e;
                    }
                } finally {
                    if (!alone) {
                        connection.setAutoCommit(true);
                    }
                }
            }
        }
    }

    private static int storeWrite(Connection connection, Queued pending) throws WriteFailed {
        if (pending.write() == null) {
            return 0;
        }
        try {
            return pending.write().write(connection);
        } catch (SQLException e) {
            throw new WriteFailed(e);
        }
    }

    /** Inserts the batch's facts as the next records, leaving out those whose write changed nothing. */
    private List<AuditRecord> insert(Connection connection, List<Queued> batch, int[] updated) throws SQLException {
        Instant at = clock.instant();
        List<AuditRecord> records = new ArrayList<>(batch.size());
        long seq = head.seq();
        String prev = head.hash();
        int count = 0;
        for (int i = 0; i < batch.size(); i++) {
            count += batch.get(i).recorded(updated[i]) ? batch.get(i).facts().size() : 0;
        }
        if (count == 0) {
            return records;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_records " + COLUMNS)) {
            for (int p = 0; p < batch.size(); p++) {
                Queued pending = batch.get(p);
                if (!pending.recorded(updated[p])) {
                    continue;
                }
                for (int i = 0; i < pending.facts().size(); i++) {
                    seq++;
                    Fact fact = pending.facts().get(i);
                    String body = Chain.body(seq, at, fact, pending.data().get(i), prev);
                    String hash = Chain.hash(body);
                    bind(insert, seq, at, fact, body, hash);
                    if (count == 1) {
                        insert.executeUpdate();
                    } else {
                        insert.addBatch();
                    }
                    records.add(new AuditRecord(
                            seq,
                            at,
                            fact.type(),
                            fact.runId(),
                            fact.agent(),
                            fact.actor().type().id(),
                            fact.actor().id(),
                            fact.data(),
                            prev,
                            hash,
                            body));
                    prev = hash;
                }
            }
            if (count > 1) {
                insert.executeBatch();
            }
        }
        return records;
    }

    /** Sets a record's values on an insert of {@link #COLUMNS}. */
    static void bind(PreparedStatement insert, long seq, Instant at, Fact fact, String body, String hash)
            throws SQLException {
        insert.setLong(1, seq);
        insert.setObject(2, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
        insert.setString(3, fact.type().id());
        insert.setString(4, fact.runId());
        insert.setString(5, fact.agent());
        insert.setString(6, body);
        insert.setString(7, hash);
    }

    private static String rootState(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            if (next.getSQLState() != null && !next.getSQLState().isEmpty()) {
                return next.getSQLState();
            }
        }
        return "";
    }

    private static Head readHead(Connection connection) throws SQLException {
        try (PreparedStatement select =
                        connection.prepareStatement("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1");
                ResultSet row = select.executeQuery()) {
            return row.next() ? new Head(row.getLong(1), row.getString(2)) : new Head(0, Chain.GENESIS);
        }
    }

    @Override
    public Head head() {
        try (Connection connection = dataSource.getConnection()) {
            return readHead(connection);
        } catch (SQLException e) {
            throw failure("read the journal's head", e);
        }
    }

    @Override
    public List<AuditRecord> query(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT body, hash FROM audit_records WHERE seq > ?");
        List<Object> parameters = new ArrayList<>(List.of(query.after()));
        if (query.runId() != null) {
            sql.append(" AND run_id = ?");
            parameters.add(query.runId());
        }
        if (query.agent() != null) {
            sql.append(" AND agent = ?");
            parameters.add(query.agent());
        }
        if (query.among() != null) {
            if (query.among().isEmpty()) {
                return List.of();
            }
            sql.append(" AND agent IN (")
                    .append(String.join(", ", Collections.nCopies(query.among().size(), "?")))
                    .append(')');
            parameters.addAll(query.among());
        }
        if (query.type() != null) {
            sql.append(" AND type = ?");
            parameters.add(query.type().id());
        }
        if (query.since() != null) {
            sql.append(" AND at >= ?");
            parameters.add(OffsetDateTime.ofInstant(query.since(), ZoneOffset.UTC));
        }
        if (query.until() != null) {
            sql.append(" AND at < ?");
            parameters.add(OffsetDateTime.ofInstant(query.until(), ZoneOffset.UTC));
        }
        sql.append(" ORDER BY seq LIMIT ?");
        parameters.add(query.limit());
        List<AuditRecord> records = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                select.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    records.add(Chain.parse(rows.getString(1), rows.getString(2)));
                }
            }
            return records;
        } catch (SQLException e) {
            throw failure("read the journal", e);
        }
    }

    @Override
    public void scan(long from, long to, Consumer<AuditRecord> records, Consumer<Checkpoint> checkpoints) {
        String sql = "SELECT r.body, r.hash, c.hash, c.at, c.signature FROM audit_records r"
                + " LEFT JOIN audit_checkpoints c ON c.seq = r.seq WHERE r.seq >= ? AND r.seq <= ? ORDER BY r.seq";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setFetchSize(1000);
            select.setLong(1, from);
            select.setLong(2, to);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    AuditRecord record = Chain.parse(rows.getString(1), rows.getString(2));
                    records.accept(record);
                    if (rows.getString(3) != null) {
                        checkpoints.accept(new Checkpoint(
                                record.seq(),
                                rows.getString(3),
                                rows.getObject(4, OffsetDateTime.class).toInstant(),
                                rows.getString(5)));
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("read the journal", e);
        }
    }

    @Override
    public void addCheckpoint(Checkpoint checkpoint) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO audit_checkpoints (seq, hash, at, signature) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, checkpoint.seq());
            insert.setString(2, checkpoint.hash());
            insert.setObject(3, OffsetDateTime.ofInstant(checkpoint.at(), ZoneOffset.UTC));
            insert.setString(4, checkpoint.signature());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw failure("store a checkpoint", e);
        }
    }

    @Override
    public Optional<Checkpoint> lastCheckpoint() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT seq, hash, at, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1");
                ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                return Optional.empty();
            }
            return Optional.of(new Checkpoint(
                    row.getLong(1),
                    row.getString(2),
                    row.getObject(3, OffsetDateTime.class).toInstant(),
                    row.getString(4)));
        } catch (SQLException e) {
            throw failure("read the last checkpoint", e);
        }
    }

    /** Stops taking facts; those already queued are written first. */
    @Override
    public void close() {
        closed = true;
        queue.add(CLOSE);
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static AgentryException failure(String what, SQLException e) {
        return new AgentryException.Unavailable("the audit journal could not " + what + ": " + e.getMessage());
    }
}
