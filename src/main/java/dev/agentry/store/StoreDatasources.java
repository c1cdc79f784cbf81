package dev.agentry.store;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Points Quarkus's datasource for Quartz at the run store: Quarkus fixes a datasource's database kind
 * when the service is built, so the build has one datasource per kind the store supports ({@code h2}
 * and {@code postgresql}), and this activates the one {@code agentry.store.url} names, with the
 * store's URL and credentials, and tells Quartz to use it. Whatever is set explicitly under {@code
 * quarkus.datasource.*} or {@code quarkus.quartz.*} decides over these defaults.
 */
public final class StoreDatasources implements ConfigSourceFactory {

    static final List<String> KINDS = List.of("h2", "postgresql");

    /** Below every source a user writes to (application.properties is 250, the environment 300). */
    private static final int ORDINAL = 150;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String url = value(context, "agentry.store.url");
        if (url == null) {
            url = StoreConfig.DEFAULT_URL;
        }
        // An unsupported URL activates neither: the store's own start then fails, naming the fix.
        String kind = kindOf(url);
        Map<String, String> properties = new HashMap<>();
        for (String each : KINDS) {
            properties.put("quarkus.datasource." + each + ".active", Boolean.toString(each.equals(kind)));
        }
        properties.put("quarkus.quartz.deferred-datasource-name", kind == null ? KINDS.getFirst() : kind);
        if (kind != null) {
            String prefix = "quarkus.datasource." + kind + ".";
            properties.put(prefix + "jdbc.url", StoreDatabase.durable(url));
            String username = value(context, "agentry.store.username");
            if (username != null) {
                properties.put(prefix + "username", username);
            }
            String password = value(context, "agentry.store.password");
            if (password != null) {
                properties.put(prefix + "password", password);
            }
        }
        return List.of(new PropertiesConfigSource(properties, "agentry: the store's datasource", ORDINAL));
    }

    /** The datasource kind of a store URL, or null when the store does not support it. */
    static String kindOf(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return "h2";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "postgresql";
        }
        return null;
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
