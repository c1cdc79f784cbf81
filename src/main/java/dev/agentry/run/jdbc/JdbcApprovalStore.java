package dev.agentry.run.jdbc;

import dev.agentry.run.Approval;
import dev.agentry.run.ApprovalStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** {@link ApprovalStore} in the run store's database ({@code approvals}, migration V5). */
public final class JdbcApprovalStore implements ApprovalStore {

    private static final String COLUMNS = "id, run_id, agent, step, call_id, tool, arguments, origin, policy, rule,"
            + " reason, status, requested_at, expires_at, decided_at, decided_by, comment";

    private final DataSource dataSource;

    public JdbcApprovalStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Approval request(Approval pending) {
        Optional<Approval> existing = forCall(pending.runId(), pending.callId());
        if (existing.isPresent()) {
            return existing.get();
        }
        String sql =
                "INSERT INTO approvals (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            JdbcRunStore.bind(
                    statement,
                    pending.id(),
                    pending.runId(),
                    pending.agent(),
                    pending.step(),
                    pending.callId(),
                    pending.tool(),
                    pending.arguments() == null ? null : JdbcRunStore.payload(pending.arguments()),
                    pending.origin(),
                    pending.policy(),
                    pending.rule(),
                    pending.reason() == null ? null : JdbcRunStore.truncate(pending.reason(), 10_000),
                    pending.status().id(),
                    JdbcRunStore.timestamp(pending.requestedAt()),
                    JdbcRunStore.timestamp(pending.expiresAt()),
                    JdbcRunStore.timestamp(pending.decidedAt()),
                    pending.decidedBy(),
                    pending.comment());
            statement.executeUpdate();
            return pending;
        } catch (SQLException e) {
            // Another replica asked for the same call first: the unique (run, call) constraint keeps one.
            return forCall(pending.runId(), pending.callId())
                    .orElseThrow(() -> JdbcRunStore.failure("store an approval request", e));
        }
    }

    @Override
    public Optional<Approval> find(String id) {
        return query("SELECT " + COLUMNS + " FROM approvals WHERE id = ?", id).stream()
                .findFirst();
    }

    @Override
    public Optional<Approval> forCall(String runId, String callId) {
        return query("SELECT " + COLUMNS + " FROM approvals WHERE run_id = ? AND call_id = ?", runId, callId).stream()
                .findFirst();
    }

    @Override
    public List<Approval> list(Approval.Status status, String agent, Set<String> among, int limit, String cursor) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM approvals WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (status != null) {
            sql.append(" AND status = ?");
            parameters.add(status.id());
        }
        if (agent != null) {
            sql.append(" AND agent = ?");
            parameters.add(agent);
        }
        if (among != null) {
            if (among.isEmpty()) {
                return List.of();
            }
            sql.append(" AND agent IN (")
                    .append(String.join(", ", java.util.Collections.nCopies(among.size(), "?")))
                    .append(")");
            parameters.addAll(among.stream().sorted().toList());
        }
        if (cursor != null) {
            sql.append(" AND id > ?");
            parameters.add(cursor);
        }
        sql.append(" ORDER BY id LIMIT ?");
        parameters.add(limit);
        return query(sql.toString(), parameters.toArray());
    }

    @Override
    public boolean decide(String id, Approval.Status status, String by, String comment, Instant at) {
        return update(
                        "UPDATE approvals SET status = ?, decided_by = ?, comment = ?, decided_at = ?"
                                + " WHERE id = ? AND status = 'pending'",
                        status.id(),
                        JdbcRunStore.truncate(by, 300),
                        comment == null ? null : JdbcRunStore.truncate(comment, 10_000),
                        JdbcRunStore.timestamp(at),
                        id)
                == 1;
    }

    @Override
    public int pending(String runId) {
        return query("SELECT " + COLUMNS + " FROM approvals WHERE run_id = ? AND status = 'pending'", runId)
                .size();
    }

    @Override
    public List<Approval> overdue(Instant now, int max) {
        return query(
                "SELECT " + COLUMNS + " FROM approvals WHERE status = 'pending' AND expires_at < ? ORDER BY id LIMIT ?",
                JdbcRunStore.timestamp(now),
                max);
    }

    @Override
    public List<Approval> pendingOf(String runId) {
        return query(
                "SELECT " + COLUMNS + " FROM approvals WHERE run_id = ? AND status = 'pending' ORDER BY id", runId);
    }

    private List<Approval> query(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            JdbcRunStore.bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                List<Approval> approvals = new ArrayList<>();
                while (rows.next()) {
                    approvals.add(approval(rows));
                }
                return approvals;
            }
        } catch (SQLException e) {
            throw JdbcRunStore.failure("read approvals", e);
        }
    }

    private int update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            JdbcRunStore.bind(statement, parameters);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw JdbcRunStore.failure("write approvals", e);
        }
    }

    private static Approval approval(ResultSet row) throws SQLException {
        return new Approval(
                row.getString("id"),
                row.getString("run_id"),
                row.getString("agent"),
                row.getInt("step"),
                row.getString("call_id"),
                row.getString("tool"),
                JdbcRunStore.json(row.getString("arguments")),
                row.getString("origin"),
                row.getString("policy"),
                row.getString("rule"),
                row.getString("reason"),
                Approval.Status.of(row.getString("status")),
                JdbcRunStore.instant(row, "requested_at"),
                JdbcRunStore.instant(row, "expires_at"),
                JdbcRunStore.instant(row, "decided_at"),
                row.getString("decided_by"),
                row.getString("comment"));
    }
}
