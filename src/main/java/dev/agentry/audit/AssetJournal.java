package dev.agentry.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentry.AgentryException;
import dev.agentry.access.Actor;
import dev.agentry.asset.AssetChange;
import dev.agentry.asset.AssetEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Provider;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Records asset changes in the journal ({@code asset.loaded}, {@code asset.rejected}, {@code
 * asset.removed}, each with the file's SHA-256), in the order they happened. Written on a thread of
 * its own: assets load while the service starts, before the store need be open, and a change to a
 * file is a fact to record, not an action to hold back until it is recorded.
 */
@ApplicationScoped
public class AssetJournal implements AssetEvents {

    private static final Logger LOG = Logger.getLogger(AssetJournal.class);

    private final Provider<Journal> journal;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("agentry-asset-journal").daemon().factory());

    AssetJournal(Provider<Journal> journal) {
        this.journal = journal;
    }

    @Override
    public void changed(AssetChange change) {
        Fact fact = fact(change);
        writer.execute(() -> {
            try {
                journal.get().append(fact);
            } catch (AgentryException e) {
                LOG.errorf("The asset change of %s is not in the audit journal: %s", change.file(), e.getMessage());
            }
        });
    }

    static Fact fact(AssetChange change) {
        ObjectNode data = Chain.object().put("kind", change.kind()).put("file", change.file());
        RecordType type =
                switch (change) {
                    case AssetChange.Loaded loaded -> {
                        data.put("name", loaded.name()).put("sha256", loaded.sha256());
                        yield RecordType.ASSET_LOADED;
                    }
                    case AssetChange.Rejected rejected -> {
                        data.put("name", rejected.name())
                                .put("sha256", rejected.sha256())
                                .put("problem", rejected.problem());
                        yield RecordType.ASSET_REJECTED;
                    }
                    case AssetChange.Removed removed -> RecordType.ASSET_REMOVED;
                };
        return new Fact(type, null, null, Actor.SYSTEM, data);
    }
}
