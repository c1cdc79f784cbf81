package dev.agentry.store;

import dev.agentry.StartOrder;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/** Opens the configured database at startup, so a wrong URL fails the start with its reason. */
@ApplicationScoped
public class DatabaseProducer {

    @Produces
    @Startup
    @ApplicationScoped
    StoreDatabase database(StoreConfig config) {
        return StoreDatabase.open(
                config.url(), config.username().orElse(null), config.password().orElse(null), config.maxConnections());
    }

    /**
     * Opens the store on a thread of its own as the start begins: migrating a new database takes most
     * of a second, which this way overlaps the rest of the start. Whatever needs the store first waits
     * for that opening; if it fails, the start opens the store again and fails with the reason.
     */
    void openEarly(@Observes @Priority(StartOrder.BACKGROUND) StartupEvent event, StoreDatabase database) {
        StartOrder.inBackground("agentry-store-open", database::exclusive);
    }

    /** Waits for the opening above: Quartz's job store, which starts next, lives in the store's tables. */
    void ready(@Observes @Priority(StartOrder.STORE_READY) StartupEvent event, StoreDatabase database) {
        database.exclusive();
    }

    void close(@Disposes StoreDatabase database) {
        database.close();
    }
}
