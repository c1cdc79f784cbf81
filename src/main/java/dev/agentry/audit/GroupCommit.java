package dev.agentry.audit;

import dev.agentry.AgentryException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.IntConsumer;
import javax.sql.DataSource;

/**
 * Commits small writes to the store's database together: a write handed over joins the next commit
 * that the journal makes anyway, so under load many runs' steps and journal records share one
 * durable commit instead of each paying for its own.
 */
public interface GroupCommit {

    /** A write of a few statements on the connection it is given; it neither commits nor rolls back. */
    @FunctionalInterface
    interface Write {
        /** @return the number of rows it changed */
        int write(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code write} in the next group commit and returns once that commit is durable.
     *
     * @return what the write returned
     * @throws dev.agentry.AgentryException.Unavailable when it could not be committed; nothing of it is
     *     then in the database
     */
    int commit(Write write);

    /**
     * Hands {@code write} to the next group commit without waiting: for a write the caller confirms
     * later, before anything depends on it. Writes are committed in the order they are handed over.
     */
    default Pending commitLater(Write write) {
        int rows = commit(write);
        return () -> rows;
    }

    /** A write handed over, not yet known to be committed. */
    @FunctionalInterface
    interface Pending {
        /**
         * Waits until the write is committed.
         *
         * @return what the write returned
         * @throws dev.agentry.AgentryException.Unavailable when it could not be committed
         */
        int rows();

        /**
         * Calls {@code then} with what the write returned once it is committed, on the thread that
         * committed it (at once when it already is), and never when it failed: {@code then} must be
         * quick and must not block.
         */
        default void whenCommitted(IntConsumer then) {
            then.accept(rows());
        }
    }

    /**
     * Commits {@code write} and, in the same transaction, appends {@code ifWritten} to the audit journal
     * when the write changed a row: for the record of a change that may not happen (a run's end, which
     * a cancel may have written first). Both are durable when this returns, or neither is.
     *
     * @return what the write returned
     * @throws dev.agentry.AgentryException.Unavailable when they could not be committed
     */
    int commitRecorded(Write write, Fact ifWritten);

    /**
     * Commits each write alone, at once, on a connection of its own: for a store without a journal,
     * which therefore cannot {@link #commitRecorded record} with a write.
     */
    static GroupCommit alone(DataSource dataSource) {
        return new GroupCommit() {
            @Override
            public int commit(Write write) {
                try (Connection connection = dataSource.getConnection()) {
                    return write.write(connection);
                } catch (SQLException e) {
                    throw new AgentryException.Unavailable("the store could not be written: " + e.getMessage());
                }
            }

            @Override
            public int commitRecorded(Write write, Fact ifWritten) {
                throw new UnsupportedOperationException("a store without a journal records no "
                        + ifWritten.type().id());
            }
        };
    }
}
