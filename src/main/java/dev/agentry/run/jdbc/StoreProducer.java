package dev.agentry.run.jdbc;

import dev.agentry.audit.GroupCommit;
import dev.agentry.run.ApprovalStore;
import dev.agentry.run.RunStore;
import dev.agentry.store.StoreDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Keeps runs in the store's database. */
@ApplicationScoped
public class StoreProducer {

    @Produces
    @ApplicationScoped
    RunStore store(StoreDatabase database, GroupCommit commits) {
        return new JdbcRunStore(database.dataSource(), database.exclusive(), commits);
    }

    @Produces
    @ApplicationScoped
    ApprovalStore approvals(StoreDatabase database) {
        return new JdbcApprovalStore(database.dataSource());
    }
}
