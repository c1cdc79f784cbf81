package dev.agentry.access.jdbc;

import dev.agentry.access.KeyStore;
import dev.agentry.store.StoreDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Keeps API keys in the run store's database. */
@ApplicationScoped
public class KeyStoreProducer {

    @Produces
    @ApplicationScoped
    KeyStore keys(StoreDatabase database) {
        return new JdbcKeyStore(database.dataSource());
    }
}
