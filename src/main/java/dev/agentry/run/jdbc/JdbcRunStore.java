package dev.agentry.run.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.agentry.AgentryException;
import dev.agentry.audit.Fact;
import dev.agentry.audit.GroupCommit;
import dev.agentry.model.TokenUsage;
import dev.agentry.model.ToolRequest;
import dev.agentry.run.Run;
import dev.agentry.run.RunOutcome;
import dev.agentry.run.RunQuery;
import dev.agentry.run.RunStatus;
import dev.agentry.run.RunStore;
import dev.agentry.run.Step;
import dev.agentry.run.Trigger;
import dev.agentry.run.Usage;
import dev.agentry.tool.ToolResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link RunStore} on any JDBC database migrated with {@code db/migration}: H2 and PostgreSQL. */
public final class JdbcRunStore implements RunStore {

    /** Most characters a payload column holds; longer payloads are stored truncated, and say so. */
    static final int MAX_PAYLOAD = 1_000_000;

    private static final int MAX_ERROR = 10_000;
    private static final int PREVIEW = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN_COLUMNS =
            "id, agent, status, input, output, error, trigger_type, trigger_by, trigger_scheduled_at, trigger_manual, "
                    + "created_at, started_at, ended_at, model_calls, tool_calls, input_tokens, output_tokens, cost_usd";
    private static final String ACTIVE = "('queued', 'running', 'awaiting_approval')";

    /**
     * A run's status where a statement also names the run's id: compared by value, through no index.
     * With {@code status IN (...)} beside {@code id = ?}, H2 chose the index on (status, id), whose IN
     * list it reads row by row, so every start, end and lease renewal read every active run (a fifth of
     * the journal writer's time with 1,000 runs in flight). Wrapped, only the primary key applies.
     */
    private static final String STATUS_OF_ID = "TRIM(status)";

    /** Starts a run under an owner's lease: the owner's own, or one that lapsed. */
    static final String START = "UPDATE runs SET status = 'running', owner = ?, lease_until = ?,"
            + " started_at = COALESCE(started_at, ?) WHERE id = ? AND " + STATUS_OF_ID + " IN ('queued', 'running')"
            + " AND (owner = ? OR lease_until < ?)";

    /** Ends a run that has not ended. */
    static final String FINISH = "UPDATE runs SET status = ?, output = ?, error = ?, ended_at = ?, model_calls = ?,"
            + " tool_calls = ?, input_tokens = ?, output_tokens = ?, cost_usd = ?, lease_until = NULL"
            + " WHERE id = ? AND " + STATUS_OF_ID + " IN " + ACTIVE;

    /** Extends the lease of a run its owner executes. */
    static final String RENEW = "UPDATE runs SET lease_until = ? WHERE id = ? AND owner = ? AND " + STATUS_OF_ID
            + " IN ('queued', 'running')";

    private final DataSource dataSource;
    /** Where the writes on every run's path (create, start, each step, finish) are committed. */
    private final GroupCommit commits;

    /**
     * A store that commits each write alone.
     *
     * @param exclusive whether no other process can use the database: then every lease in it is stale
     */
    public JdbcRunStore(DataSource dataSource, boolean exclusive) {
        this(dataSource, exclusive, GroupCommit.alone(dataSource));
    }

    /**
     * @param commits commits the writes on every run's path, in the service together with the journal's
     *     records, so that many runs' steps share one durable commit
     */
    public JdbcRunStore(DataSource dataSource, boolean exclusive, GroupCommit commits) {
        this.dataSource = dataSource;
        this.commits = commits;
        if (exclusive) {
            update("UPDATE runs SET lease_until = ? WHERE status IN ('queued', 'running')", timestamp(Instant.EPOCH));
        }
    }

    @Override
    public void create(Run run, String owner, Instant leaseUntil) {
        grouped(
                "INSERT INTO runs (id, agent, status, input, trigger_type, trigger_by, trigger_scheduled_at,"
                        + " trigger_manual, created_at, owner, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                run.id(),
                run.agent(),
                run.status().id(),
                run.input() == null ? null : payload(run.input()),
                run.trigger().type(),
                run.trigger().by(),
                run.trigger().scheduledAt() == null
                        ? null
                        : timestamp(run.trigger().scheduledAt()),
                run.trigger().manual(),
                timestamp(run.createdAt()),
                owner,
                timestamp(leaseUntil));
    }

    @Override
    public boolean start(String runId, String owner, Instant startedAt, Instant leaseUntil) {
        return startLater(runId, owner, startedAt, leaseUntil).written();
    }

    @Override
    public Pending startLater(String runId, String owner, Instant startedAt, Instant leaseUntil) {
        GroupCommit.Pending started = groupedLater(
                START, owner, timestamp(leaseUntil), timestamp(startedAt), runId, owner, timestamp(startedAt));
        return () -> started.rows() == 1;
    }

    @Override
    public boolean addStep(String runId, String owner, Step step) {
        return addStepLater(runId, owner, step).written();
    }

    @Override
    public Pending addStepLater(String runId, String owner, Step step) {
        String ours = " FROM runs WHERE id = ? AND status = 'running' AND owner = ?";
        GroupCommit.Pending added =
                switch (step) {
                    case Step.ModelStep model ->
                        groupedLater(
                                "INSERT INTO run_steps (run_id, idx, type, result, status, started_at, duration_ms,"
                                        + " input_tokens, output_tokens) SELECT ?, ?, 'model', ?, 'ok', ?, ?, ?, ?"
                                        + ours,
                                runId,
                                model.index(),
                                payload(model.resultJson()),
                                timestamp(model.startedAt()),
                                model.durationMs(),
                                model.usage().input(),
                                model.usage().output(),
                                runId,
                                owner);
                    case Step.ToolStep tool ->
                        groupedLater(
                                "INSERT INTO run_steps (run_id, idx, type, tool, call_id, arguments, result, status, started_at,"
                                        + " duration_ms, decision) SELECT ?, ?, 'tool', ?, ?, ?, ?, ?, ?, ?, ?"
                                        + ours,
                                runId,
                                tool.index(),
                                tool.tool(),
                                tool.requestId(),
                                payload(tool.arguments()),
                                payload(tool.resultJson()),
                                tool.result().status(),
                                timestamp(tool.startedAt()),
                                tool.durationMs(),
                                tool.decision() == null ? null : payload(tool.decisionJson()),
                                runId,
                                owner);
                };
        return new Pending() {
            @Override
            public boolean written() {
                return added.rows() == 1;
            }

            @Override
            public void whenWritten(Runnable then) {
                added.whenCommitted(rows -> {
                    if (rows == 1) {
                        then.run();
                    }
                });
            }
        };
    }

    @Override
    public boolean finish(String runId, RunOutcome outcome, Usage usage, Instant endedAt) {
        return commits.commit(finishing(runId, outcome, usage, endedAt)) == 1;
    }

    @Override
    public boolean finish(String runId, RunOutcome outcome, Usage usage, Instant endedAt, Fact ended) {
        return commits.commitRecorded(finishing(runId, outcome, usage, endedAt), ended) == 1;
    }

    private static GroupCommit.Write finishing(String runId, RunOutcome outcome, Usage usage, Instant endedAt) {
        String output = outcome.outputOrNull();
        String error = outcome.errorOrNull();
        return connection -> execute(
                connection,
                FINISH,
                outcome.status().id(),
                output == null ? null : truncate(output, MAX_PAYLOAD),
                error == null ? null : truncate(error, MAX_ERROR),
                timestamp(endedAt),
                usage.modelCalls(),
                usage.toolCalls(),
                usage.inputTokens(),
                usage.outputTokens(),
                usage.costUsd(),
                runId);
    }

    @Override
    public Optional<Run> find(String runId) {
        List<Run> runs = query("SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?", List.of(runId));
        return runs.stream().findFirst();
    }

    @Override
    public List<Step> steps(String runId) {
        String sql = "SELECT idx, type, tool, call_id, arguments, result, status, started_at, duration_ms,"
                + " input_tokens, output_tokens, decision FROM run_steps WHERE run_id = ? ORDER BY idx";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, runId);
            try (ResultSet rows = statement.executeQuery()) {
                List<Step> steps = new ArrayList<>();
                while (rows.next()) {
                    steps.add(step(rows));
                }
                return steps;
            }
        } catch (SQLException e) {
            throw failure("read the steps of run " + runId, e);
        }
    }

    @Override
    public List<Run> list(RunQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + RUN_COLUMNS + " FROM runs WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (query.agent() != null) {
            sql.append(" AND agent = ?");
            parameters.add(query.agent());
        }
        if (query.status() != null) {
            sql.append(" AND status = ?");
            parameters.add(query.status().id());
        }
        if (query.among() != null) {
            if (query.among().isEmpty()) {
                return List.of();
            }
            sql.append(" AND agent IN (")
                    .append(String.join(
                            ", ", java.util.Collections.nCopies(query.among().size(), "?")))
                    .append(')');
            parameters.addAll(query.among());
        }
        if (query.cursor() != null) {
            sql.append(" AND id < ?");
            parameters.add(query.cursor());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        parameters.add(query.limit());
        return query(sql.toString(), parameters);
    }

    @Override
    public Map<String, Integer> denials(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Map.of();
        }
        String sql = "SELECT run_id, COUNT(*) FROM run_steps WHERE status = 'refused' AND run_id IN ("
                + String.join(", ", java.util.Collections.nCopies(runIds.size(), "?")) + ") GROUP BY run_id";
        Map<String, Integer> denials = new java.util.HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, runIds.toArray());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    denials.put(rows.getString(1), rows.getInt(2));
                }
            }
            return denials;
        } catch (SQLException e) {
            throw failure("count refused calls", e);
        }
    }

    @Override
    public void renewLeases(String owner, List<String> runIds, Instant leaseUntil) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(RENEW)) {
            for (String runId : runIds) {
                bind(statement, timestamp(leaseUntil), runId, owner);
                statement.addBatch();
            }
            statement.executeBatch();
        } catch (SQLException e) {
            throw failure("renew run leases", e);
        }
    }

    @Override
    public boolean park(String runId, String owner, Instant at) {
        return update(
                        "UPDATE runs SET status = 'awaiting_approval', owner = NULL, lease_until = NULL, parked_at = ?"
                                + " WHERE id = ? AND status = 'running' AND owner = ?",
                        timestamp(at),
                        runId,
                        owner)
                == 1;
    }

    @Override
    public boolean unpark(String runId, Instant at) {
        try (Connection connection = dataSource.getConnection()) {
            Instant parkedAt;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT parked_at FROM runs WHERE id = ? AND status = 'awaiting_approval'")) {
                statement.setString(1, runId);
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        return false;
                    }
                    parkedAt = instant(row, "parked_at");
                }
            }
            long waited = parkedAt == null ? 0 : Math.max(0, at.toEpochMilli() - parkedAt.toEpochMilli());
            // A lapsed lease: whichever replica resumes it first takes it.
            return execute(
                            connection,
                            "UPDATE runs SET status = 'queued', lease_until = ?, parked_at = NULL,"
                                    + " waited_ms = waited_ms + ? WHERE id = ? AND status = 'awaiting_approval'",
                            timestamp(Instant.EPOCH),
                            waited,
                            runId)
                    == 1;
        } catch (SQLException e) {
            throw failure("resume a parked run", e);
        }
    }

    @Override
    public int purge(Instant endedBefore, int max) {
        try (Connection connection = dataSource.getConnection()) {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT id FROM runs WHERE ended_at < ? AND status IN ('succeeded', 'failed', 'cancelled')"
                            + " ORDER BY ended_at LIMIT ?")) {
                bind(statement, timestamp(endedBefore), max);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0;
            }
            // One transaction, so that a run is never left without some of its steps.
            connection.setAutoCommit(false);
            try {
                String in = "(" + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ")";
                Object[] parameters = ids.toArray();
                execute(connection, "DELETE FROM approvals WHERE run_id IN " + in, parameters);
                execute(connection, "DELETE FROM run_steps WHERE run_id IN " + in, parameters);
                int deleted = execute(connection, "DELETE FROM runs WHERE id IN " + in, parameters);
                connection.commit();
                return deleted;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("delete finished runs past their retention", e);
        }
    }

    @Override
    public Duration waited(String runId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT waited_ms FROM runs WHERE id = ?")) {
            statement.setString(1, runId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Duration.ofMillis(row.getLong(1)) : Duration.ZERO;
            }
        } catch (SQLException e) {
            throw failure("read how long a run waited", e);
        }
    }

    @Override
    public List<String> orphans(Instant now, int max) {
        String sql =
                "SELECT id FROM runs WHERE status IN ('queued', 'running') AND lease_until < ? ORDER BY id LIMIT ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, timestamp(now), max);
            try (ResultSet rows = statement.executeQuery()) {
                List<String> ids = new ArrayList<>();
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
                return ids;
            }
        } catch (SQLException e) {
            throw failure("look for orphaned runs", e);
        }
    }

    /** Runs as stored; a run that has not ended gets its usage summed from its steps, which are current. */
    private List<Run> query(String sql, List<Object> parameters) {
        try (Connection connection = dataSource.getConnection()) {
            List<Run> runs = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, parameters.toArray());
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        runs.add(run(rows));
                    }
                }
            }
            List<Run> current = new ArrayList<>(runs.size());
            for (Run run : runs) {
                current.add(run.status().terminal() ? run : withUsage(run, usageOfSteps(connection, run.id())));
            }
            return current;
        } catch (SQLException e) {
            throw failure("read runs", e);
        }
    }

    private static Usage usageOfSteps(Connection connection, String runId) throws SQLException {
        String sql = "SELECT COUNT(CASE WHEN type = 'model' THEN 1 END), COUNT(CASE WHEN type = 'tool' THEN 1 END),"
                + " COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0) FROM run_steps WHERE run_id = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, runId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return new Usage(row.getInt(1), row.getInt(2), row.getLong(3), row.getLong(4));
            }
        }
    }

    private static Run withUsage(Run run, Usage usage) {
        return new Run(
                run.id(),
                run.agent(),
                run.status(),
                run.input(),
                run.output(),
                run.error(),
                run.trigger(),
                run.createdAt(),
                run.startedAt(),
                run.endedAt(),
                usage);
    }

    private static Run run(ResultSet row) throws SQLException {
        return new Run(
                row.getString("id"),
                row.getString("agent"),
                RunStatus.of(row.getString("status")),
                json(row.getString("input")),
                row.getString("output"),
                row.getString("error"),
                new Trigger(
                        row.getString("trigger_type"),
                        row.getString("trigger_by"),
                        instant(row, "trigger_scheduled_at"),
                        row.getBoolean("trigger_manual")),
                instant(row, "created_at"),
                instant(row, "started_at"),
                instant(row, "ended_at"),
                new Usage(
                        row.getInt("model_calls"),
                        row.getInt("tool_calls"),
                        row.getLong("input_tokens"),
                        row.getLong("output_tokens"),
                        row.getObject("cost_usd") == null ? null : row.getDouble("cost_usd")));
    }

    private static Step step(ResultSet row) throws SQLException {
        int index = row.getInt("idx");
        Instant started = instant(row, "started_at");
        long duration = row.getLong("duration_ms");
        JsonNode result = json(row.getString("result"));
        if ("model".equals(row.getString("type"))) {
            List<ToolRequest> requests = new ArrayList<>();
            result.path("toolCalls")
                    .forEach(call -> requests.add(new ToolRequest(
                            call.path("id").asText(),
                            call.path("name").asText(),
                            call.path("arguments").asText())));
            return new Step.ModelStep(
                    index,
                    started,
                    duration,
                    result.path("text").asText(""),
                    requests,
                    new TokenUsage(row.getLong("input_tokens"), row.getLong("output_tokens")));
        }
        ToolResult toolResult =
                switch (row.getString("status")) {
                    case "ok" -> ToolResult.success(result);
                    case "refused" -> ToolResult.refused(result.path("refused").asText());
                    default -> ToolResult.failed(result.path("error").asText());
                };
        return new Step.ToolStep(
                index,
                started,
                duration,
                row.getString("call_id"),
                row.getString("tool"),
                json(row.getString("arguments")),
                toolResult,
                row.getString("decision") == null ? null : Step.ToolStep.decision(json(row.getString("decision"))));
    }

    /** JSON text of {@code node}, or a note with a preview when it is too long to store whole. */
    static String payload(JsonNode node) {
        String text = node.toString();
        if (text.length() <= MAX_PAYLOAD) {
            return text;
        }
        return JsonNodeFactory.instance
                .objectNode()
                .put("truncated", true)
                .put("chars", text.length())
                .put("preview", text.substring(0, PREVIEW))
                .toString();
    }

    static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        String note = "... [truncated: " + text.length() + " characters]";
        return text.substring(0, max - note.length()) + note;
    }

    static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private int grouped(String sql, Object... parameters) {
        return commits.commit(connection -> execute(connection, sql, parameters));
    }

    private GroupCommit.Pending groupedLater(String sql, Object... parameters) {
        return commits.commitLater(connection -> execute(connection, sql, parameters));
    }

    private int update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection()) {
            return execute(connection, sql, parameters);
        } catch (SQLException e) {
            throw failure("write runs", e);
        }
    }

    private static int execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }

    static AgentryException failure(String what, SQLException e) {
        return new AgentryException.Unavailable("the run store could not " + what + ": " + e.getMessage());
    }
}
