package dev.agentry.audit;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The port for reading the journal and keeping its checkpoints. */
public interface AuditStore {

    List<AuditRecord> query(AuditQuery query);

    /** Records from {@code from} to {@code to} (inclusive), in order; each checkpoint right after its record. */
    void scan(long from, long to, Consumer<AuditRecord> records, Consumer<Checkpoint> checkpoints);

    /** The last record's seq and hash (0 and {@link Chain#GENESIS} while the journal is empty). */
    Head head();

    void addCheckpoint(Checkpoint checkpoint);

    Optional<Checkpoint> lastCheckpoint();

    /** The end of the chain. */
    record Head(long seq, String hash) {}
}
