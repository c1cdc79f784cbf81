package dev.agentry;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns OpenTelemetry off until an OTLP endpoint is set ({@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT}
 * or its traces-only form), so that setting the address is all it takes to turn it on; without one
 * the exporter would try {@code localhost:4317} and log a failure for every batch.
 * {@code quarkus.otel.sdk.disabled} set anywhere decides over this default. (OIDC has a switch of its
 * own, {@code dev.agentry.api.OidcOff}.)
 */
public final class OffUnlessConfigured implements ConfigSourceFactory {

    static final String TRACING_DISABLED = "quarkus.otel.sdk.disabled";
    static final List<String> OTLP_ENDPOINTS =
            List.of("quarkus.otel.exporter.otlp.endpoint", "quarkus.otel.exporter.otlp.traces.endpoint");

    /** Below every source a user writes to (application.properties is 250, the environment 300). */
    private static final int ORDINAL = 150;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (OTLP_ENDPOINTS.stream().anyMatch(name -> isSet(context, name))) {
            return List.of();
        }
        return List.of(
                new PropertiesConfigSource(Map.of(TRACING_DISABLED, "true"), "agentry: off until configured", ORDINAL));
    }

    private static boolean isSet(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
