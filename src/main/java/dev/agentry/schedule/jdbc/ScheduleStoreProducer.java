package dev.agentry.schedule.jdbc;

import dev.agentry.schedule.ScheduleStore;
import dev.agentry.store.StoreDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Keeps schedule occurrences and state in the run store's database. */
@ApplicationScoped
public class ScheduleStoreProducer {

    @Produces
    @ApplicationScoped
    ScheduleStore schedules(StoreDatabase database) {
        return new JdbcScheduleStore(database.dataSource());
    }
}
