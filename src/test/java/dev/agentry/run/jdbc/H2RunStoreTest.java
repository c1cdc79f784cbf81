package dev.agentry.run.jdbc;

import dev.agentry.store.StoreDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The run store contract on an embedded H2 file, Agentry's default. */
class H2RunStoreTest extends RunStoreContract {

    @TempDir
    Path dir;

    @Override
    protected StoreDatabase open() {
        return StoreDatabase.open("jdbc:h2:file:" + dir.resolve("agentry") + ";DB_CLOSE_ON_EXIT=FALSE", null, null, 4);
    }
}
