package dev.agentry.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Where runs, keys and the audit journal are stored. The default is an embedded H2 file under {@code data/}; PostgreSQL by URL. */
@ConfigMapping(prefix = "agentry.store")
public interface StoreConfig {

    /**
     * JDBC URL of the run store: {@code jdbc:h2:file:...} or {@code jdbc:postgresql://host:5432/db};
     * env {@code AGENTRY_STORE_URL}.
     */
    @WithDefault(DEFAULT_URL)
    String url();

    String DEFAULT_URL = "jdbc:h2:file:./data/agentry;DB_CLOSE_ON_EXIT=FALSE";

    /** Database user; env {@code AGENTRY_STORE_USERNAME}. */
    Optional<String> username();

    /** Database password; env {@code AGENTRY_STORE_PASSWORD}. */
    Optional<String> password();

    /** Most connections the pool opens. */
    @WithDefault("20")
    int maxConnections();
}
