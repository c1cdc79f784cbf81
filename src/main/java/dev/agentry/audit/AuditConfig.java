package dev.agentry.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The audit journal's checkpoints and their key. */
@ConfigMapping(prefix = "agentry.audit")
public interface AuditConfig {

    /**
     * The Ed25519 key that signs checkpoints, private then public key in PEM; made here on first start
     * when the file does not exist.
     */
    @WithDefault("data/audit-signing-key.pem")
    String signingKeyFile();

    /** A checkpoint is signed once this many records were appended since the last one... */
    @WithDefault("1000")
    int checkpointEvery();

    /** ...or once this long has passed with records appended since the last one. */
    @WithDefault("60s")
    Duration checkpointInterval();

    /**
     * A file outside the database that every checkpoint is also appended to (one NDJSON line each), for
     * the offline verifier's {@code --checkpoints}; none when unset.
     */
    Optional<String> checkpointFile();
}
