package dev.agentry.run.jdbc;

import dev.agentry.run.RunStore;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/** Opens the configured database at startup, so a wrong URL fails the start with its reason. */
@ApplicationScoped
public class StoreProducer {

    @Produces
    @Startup
    @ApplicationScoped
    StoreDatabase database(StoreConfig config) {
        return StoreDatabase.open(
                config.url(), config.username().orElse(null), config.password().orElse(null), config.maxConnections());
    }

    void close(@Disposes StoreDatabase database) {
        database.close();
    }

    @Produces
    @ApplicationScoped
    RunStore store(StoreDatabase database) {
        return new JdbcRunStore(database.dataSource(), database.exclusive());
    }
}
