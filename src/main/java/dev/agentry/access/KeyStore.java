package dev.agentry.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The port to stored API keys, which are kept as hashes only. */
public interface KeyStore {

    /** Stores a new key under the hex SHA-256 of its secret. */
    void add(ApiKey key, String hash);

    /** The key in force (not revoked) whose secret hashes to {@code hash}. */
    Optional<ApiKey> inForce(String hash);

    /** Every key, revoked ones included, newest first. */
    List<ApiKey> list();

    /** Revokes a key in force; false when there is none with that id, or it is revoked already. */
    boolean revoke(String id, Instant at);
}
