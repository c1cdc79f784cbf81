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
 * Turns OpenTelemetry off unless an OTLP endpoint is configured: without one the exporter would try
 * {@code localhost:4317} and log a failure for every batch. Setting
 * {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT} (or its traces-only form) is all it takes to turn the
 * spans on; {@code quarkus.otel.sdk.disabled} set anywhere decides over this default.
 */
public final class TracingSwitch implements ConfigSourceFactory {

    static final String DISABLED = "quarkus.otel.sdk.disabled";
    static final List<String> ENDPOINTS =
            List.of("quarkus.otel.exporter.otlp.endpoint", "quarkus.otel.exporter.otlp.traces.endpoint");

    /** Below every source a user writes to (application.properties is 250, the environment 300). */
    private static final int ORDINAL = 150;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        for (String endpoint : ENDPOINTS) {
            ConfigValue value = context.getValue(endpoint);
            if (value != null && value.getValue() != null && !value.getValue().isBlank()) {
                return List.of();
            }
        }
        return List.of(new PropertiesConfigSource(Map.of(DISABLED, "true"), "agentry tracing off", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
