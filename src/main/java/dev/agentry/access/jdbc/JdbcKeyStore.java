package dev.agentry.access.jdbc;

import dev.agentry.AgentryException;
import dev.agentry.access.ApiKey;
import dev.agentry.access.KeyStore;
import dev.agentry.access.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link KeyStore} in the run store's database ({@code api_keys}, migration V2). */
public final class JdbcKeyStore implements KeyStore {

    private static final String COLUMNS = "id, name, role, agents, created_at, created_by, revoked_at";

    private final DataSource dataSource;

    public JdbcKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void add(ApiKey key, String hash) {
        String sql = "INSERT INTO api_keys (id, name, role, agents, key_hash, created_at, created_by)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, key.id());
            statement.setString(2, key.name());
            statement.setString(3, key.role().id());
            statement.setString(4, String.join(",", key.agents()));
            statement.setString(5, hash);
            statement.setObject(6, OffsetDateTime.ofInstant(key.createdAt(), ZoneOffset.UTC));
            statement.setString(7, key.createdBy());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("store a new key", e);
        }
    }

    @Override
    public Optional<ApiKey> inForce(String hash) {
        return query("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", hash).stream()
                .findFirst();
    }

    @Override
    public List<ApiKey> list() {
        return query("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at DESC, id DESC");
    }

    @Override
    public boolean revoke(String id, Instant at) {
        String sql = "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            statement.setString(2, id);
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("revoke a key", e);
        }
    }

    private List<ApiKey> query(String sql, String... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                List<ApiKey> keys = new ArrayList<>();
                while (rows.next()) {
                    OffsetDateTime revoked = rows.getObject("revoked_at", OffsetDateTime.class);
                    keys.add(new ApiKey(
                            rows.getString("id"),
                            rows.getString("name"),
                            Role.of(rows.getString("role")),
                            Arrays.asList(rows.getString("agents").split(",")),
                            rows.getObject("created_at", OffsetDateTime.class).toInstant(),
                            rows.getString("created_by"),
                            revoked == null ? null : revoked.toInstant()));
                }
                return keys;
            }
        } catch (SQLException e) {
            throw failure("read keys", e);
        }
    }

    private static AgentryException failure(String what, SQLException e) {
        return new AgentryException.Unavailable("the key store could not " + what + ": " + e.getMessage());
    }
}
