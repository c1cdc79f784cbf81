package dev.agentry.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Quartz's datasource follows the store's URL: the datasource of the URL's kind is active, with the
 * store's URL (made durable as the store makes it) and credentials, and Quartz is pointed at it.
 */
class StoreDatasourcesTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 250))
                .withSources(new StoreDatasources())
                .build();
    }

    private static String value(SmallRyeConfig config, String name) {
        return config.getOptionalValue(name, String.class).orElse("unset");
    }

    @Test
    void a_postgresql_url_activates_the_postgresql_datasource_with_the_stores_credentials() {
        SmallRyeConfig config = config(Map.of(
                "agentry.store.url", "jdbc:postgresql://db:5432/agentry",
                "agentry.store.username", "agentry",
                "agentry.store.password", "secret"));

        assertThat(value(config, "quarkus.datasource.postgresql.active")).isEqualTo("true");
        assertThat(value(config, "quarkus.datasource.h2.active")).isEqualTo("false");
        assertThat(value(config, "quarkus.datasource.postgresql.jdbc.url"))
                .isEqualTo("jdbc:postgresql://db:5432/agentry");
        assertThat(value(config, "quarkus.datasource.postgresql.username")).isEqualTo("agentry");
        assertThat(value(config, "quarkus.datasource.postgresql.password")).isEqualTo("secret");
        assertThat(value(config, "quarkus.quartz.deferred-datasource-name")).isEqualTo("postgresql");
    }

    @Test
    void the_default_store_is_h2_with_the_url_the_store_opens() {
        SmallRyeConfig config = config(Map.of());

        assertThat(value(config, "quarkus.datasource.h2.active")).isEqualTo("true");
        assertThat(value(config, "quarkus.datasource.postgresql.active")).isEqualTo("false");
        assertThat(value(config, "quarkus.datasource.h2.jdbc.url"))
                .as("one database, opened twice in one process with the same settings")
                .isEqualTo(StoreDatabase.durable(StoreConfig.DEFAULT_URL))
                .contains("WRITE_DELAY=0");
        assertThat(value(config, "quarkus.datasource.h2.username")).isEqualTo("unset");
        assertThat(value(config, "quarkus.quartz.deferred-datasource-name")).isEqualTo("h2");
    }

    @Test
    void an_h2_url_writes_each_commit_and_leaves_closing_to_the_service_unless_it_says_otherwise() {
        assertThat(StoreDatabase.durable("jdbc:h2:file:./data/x"))
                .isEqualTo("jdbc:h2:file:retry:./data/x;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(StoreDatabase.durable("jdbc:h2:file:./data/x;write_delay=500;DB_CLOSE_ON_EXIT=TRUE"))
                .isEqualTo("jdbc:h2:file:retry:./data/x;write_delay=500;DB_CLOSE_ON_EXIT=TRUE");
        assertThat(StoreDatabase.durable("jdbc:postgresql://db/agentry")).isEqualTo("jdbc:postgresql://db/agentry");
    }

    @Test
    void an_h2_file_is_reopened_when_an_io_is_interrupted_unless_the_url_chooses_its_own_file_system() {
        assertThat(StoreDatabase.reopenedOnInterrupt("jdbc:h2:./data/x")).isEqualTo("jdbc:h2:retry:./data/x");
        assertThat(StoreDatabase.reopenedOnInterrupt("jdbc:h2:~/agentry")).isEqualTo("jdbc:h2:retry:~/agentry");
        assertThat(StoreDatabase.reopenedOnInterrupt("jdbc:h2:file:C:\\data\\x"))
                .isEqualTo("jdbc:h2:file:retry:C:\\data\\x");
        assertThat(StoreDatabase.reopenedOnInterrupt("jdbc:h2:file:retry:./x")).isEqualTo("jdbc:h2:file:retry:./x");
        assertThat(StoreDatabase.reopenedOnInterrupt("jdbc:h2:nioMapped:./x")).isEqualTo("jdbc:h2:nioMapped:./x");
        assertThat(StoreDatabase.reopenedOnInterrupt("jdbc:h2:mem:x")).isEqualTo("jdbc:h2:mem:x");
        assertThat(StoreDatabase.reopenedOnInterrupt("jdbc:h2:tcp://db/x")).isEqualTo("jdbc:h2:tcp://db/x");
    }

    @Test
    void an_unsupported_url_activates_neither_so_the_stores_own_error_names_the_fix() {
        SmallRyeConfig config = config(Map.of("agentry.store.url", "jdbc:mysql://db/runs"));

        assertThat(value(config, "quarkus.datasource.h2.active")).isEqualTo("false");
        assertThat(value(config, "quarkus.datasource.postgresql.active")).isEqualTo("false");
        assertThat(value(config, "quarkus.datasource.h2.jdbc.url")).isEqualTo("unset");
    }

    @Test
    void an_explicit_datasource_setting_decides_over_the_derived_one() {
        SmallRyeConfig config = config(Map.of(
                "agentry.store.url", "jdbc:postgresql://db:5432/agentry",
                "quarkus.datasource.postgresql.jdbc.url", "jdbc:postgresql://quartz-db:5432/agentry"));

        assertThat(value(config, "quarkus.datasource.postgresql.jdbc.url"))
                .isEqualTo("jdbc:postgresql://quartz-db:5432/agentry");
    }
}
