package dev.agentry.schedule.jdbc;

import dev.agentry.store.StoreDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2ScheduleTest extends ScheduleContract {

    @TempDir
    Path dir;

    @Override
    protected StoreDatabase open() {
        return StoreDatabase.open("jdbc:h2:file:" + dir.resolve("agentry") + ";DB_CLOSE_ON_EXIT=FALSE", null, null, 4);
    }
}
