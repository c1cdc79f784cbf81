package dev.agentry.schedule.jdbc;

import dev.agentry.AgentryException;
import dev.agentry.schedule.Occurrence;
import dev.agentry.schedule.ScheduleStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link ScheduleStore} on the run store's database ({@code schedule_occurrences}, {@code schedule_states}, V8). */
public final class JdbcScheduleStore implements ScheduleStore {

    /** The SQL state both H2 and PostgreSQL report for a duplicate key. */
    private static final String DUPLICATE_KEY = "23505";

    private static final String ACTIVE = "('queued', 'running', 'awaiting_approval')";
    private static final String OCCURRENCE_COLUMNS =
            "agent, scheduled_at, outcome, run_id, reason, occurrences, manual, recorded_at";
    private static final int MAX_REASON = 2000;

    private final DataSource dataSource;

    public JdbcScheduleStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public State state(String agent, Instant now) {
        Optional<State> found = readState(agent);
        if (found.isPresent()) {
            return found.get();
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO schedule_states (agent, first_seen) VALUES (?, ?)")) {
            insert.setString(1, agent);
            insert.setObject(2, timestamp(now));
            insert.executeUpdate();
        } catch (SQLException e) {
            if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                throw failure("record a new schedule", e);
            }
        }
        return readState(agent).orElseThrow();
    }

    private Optional<State> readState(String agent) {
        String sql = "SELECT first_seen, paused, file_paused, changed_by, changed_at, reason FROM schedule_states"
                + " WHERE agent = ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, agent);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new State(
                        instant(row, "first_seen"),
                        (Boolean) row.getObject("paused"),
                        (Boolean) row.getObject("file_paused"),
                        row.getString("changed_by"),
                        instant(row, "changed_at"),
                        row.getString("reason")));
            }
        } catch (SQLException e) {
            throw failure("read a schedule's state", e);
        }
    }

    @Override
    public void setPaused(String agent, boolean paused, boolean filePaused, String by, String reason, Instant now) {
        state(agent, now);
        update(
                "UPDATE schedule_states SET paused = ?, file_paused = ?, changed_by = ?, changed_at = ?, reason = ?"
                        + " WHERE agent = ?",
                paused,
                filePaused,
                by,
                timestamp(now),
                clip(reason),
                agent);
    }

    @Override
    public boolean claim(Occurrence occurrence) {
        String sql = "INSERT INTO schedule_occurrences (" + OCCURRENCE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, occurrence.agent());
            statement.setObject(2, timestamp(occurrence.scheduledAt()));
            statement.setString(3, occurrence.outcome().id());
            statement.setString(4, occurrence.runId());
            statement.setString(5, clip(occurrence.reason()));
            statement.setLong(6, occurrence.count());
            statement.setBoolean(7, occurrence.manual());
            statement.setObject(8, timestamp(occurrence.recordedAt()));
            statement.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_KEY.equals(e.getSQLState())) {
                return false;
            }
            throw failure("record an occurrence", e);
        }
    }

    @Override
    public void settle(String agent, Instant scheduledAt, Occurrence.Outcome outcome, String runId, String reason) {
        update(
                "UPDATE schedule_occurrences SET outcome = ?, run_id = COALESCE(?, run_id), reason = ?"
                        + " WHERE agent = ? AND scheduled_at = ?",
                outcome.id(),
                runId,
                clip(reason),
                agent,
                timestamp(scheduledAt));
    }

    @Override
    public boolean promote(String agent, Instant scheduledAt, String runId) {
        return update(
                        "UPDATE schedule_occurrences SET outcome = 'starting', run_id = ?, reason = NULL"
                                + " WHERE agent = ? AND scheduled_at = ? AND outcome = 'buffered'",
                        runId,
                        agent,
                        timestamp(scheduledAt))
                == 1;
    }

    @Override
    public Optional<Occurrence> find(String agent, Instant scheduledAt) {
        return occurrences(
                        "SELECT " + OCCURRENCE_COLUMNS
                                + " FROM schedule_occurrences WHERE agent = ? AND scheduled_at = ?",
                        agent,
                        timestamp(scheduledAt))
                .stream()
                .findFirst();
    }

    @Override
    public Optional<Instant> lastHandled(String agent) {
        return instantQuery(
                "SELECT MAX(scheduled_at) FROM schedule_occurrences WHERE agent = ? AND manual = FALSE", agent);
    }

    @Override
    public List<Occurrence> list(String agent, int limit) {
        return occurrences(
                "SELECT " + OCCURRENCE_COLUMNS + " FROM schedule_occurrences WHERE agent = ?"
                        + " ORDER BY scheduled_at DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
                agent);
    }

    @Override
    public List<Occurrence> withOutcome(String agent, Occurrence.Outcome outcome) {
        return occurrences(
                "SELECT " + OCCURRENCE_COLUMNS + " FROM schedule_occurrences WHERE agent = ? AND outcome = ?"
                        + " ORDER BY scheduled_at",
                agent,
                outcome.id());
    }

    @Override
    public long missed(String agent) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT COALESCE(SUM(occurrences), 0) FROM schedule_occurrences"
                                + " WHERE agent = ? AND outcome = 'missed'")) {
            statement.setString(1, agent);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("count missed occurrences", e);
        }
    }

    @Override
    public List<String> activeRuns(String agent) {
        return strings(
                "SELECT id FROM runs WHERE agent = ? AND trigger_type = 'schedule' AND status IN " + ACTIVE
                        + " ORDER BY id",
                agent);
    }

    @Override
    public List<String> recentStatuses(String agent, int limit, Instant since) {
        return strings(
                "SELECT status FROM runs WHERE agent = ? AND trigger_type = 'schedule' AND status NOT IN " + ACTIVE
                        + " AND created_at > ? ORDER BY id DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
                agent,
                timestamp(since == null ? Instant.EPOCH : since));
    }

    @Override
    public Optional<String> runStatus(String runId) {
        return strings("SELECT status FROM runs WHERE id = ?", runId).stream().findFirst();
    }

    @Override
    public Optional<Instant> lastSuccess(String agent) {
        return instantQuery(
                "SELECT MAX(trigger_scheduled_at) FROM runs WHERE agent = ? AND trigger_type = 'schedule'"
                        + " AND status = 'succeeded'",
                agent);
    }

    private List<Occurrence> occurrences(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                List<Occurrence> found = new ArrayList<>();
                while (rows.next()) {
                    found.add(new Occurrence(
                            rows.getString("agent"),
                            instant(rows, "scheduled_at"),
                            Occurrence.Outcome.of(rows.getString("outcome")),
                            rows.getString("run_id"),
                            rows.getString("reason"),
                            rows.getLong("occurrences"),
                            rows.getBoolean("manual"),
                            instant(rows, "recorded_at")));
                }
                return found;
            }
        } catch (SQLException e) {
            throw failure("read occurrences", e);
        }
    }

    private List<String> strings(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                List<String> found = new ArrayList<>();
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
                return found;
            }
        } catch (SQLException e) {
            throw failure("read runs", e);
        }
    }

    private Optional<Instant> instantQuery(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                OffsetDateTime value = row.getObject(1, OffsetDateTime.class);
                return Optional.ofNullable(value).map(OffsetDateTime::toInstant);
            }
        } catch (SQLException e) {
            throw failure("read schedules", e);
        }
    }

    private int update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("write schedules", e);
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String clip(String reason) {
        return reason == null || reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON);
    }

    private static AgentryException failure(String what, SQLException e) {
        return new AgentryException.Unavailable("the schedule store could not " + what + ": " + e.getMessage());
    }
}
