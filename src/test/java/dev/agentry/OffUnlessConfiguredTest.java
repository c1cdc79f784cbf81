package dev.agentry;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenTelemetry is off until an OTLP endpoint is set, and an explicit setting decides over that. */
class OffUnlessConfiguredTest {

    private static String value(Map<String, String> properties, String name) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 250))
                .withSources(new OffUnlessConfigured())
                .build();
        return config.getOptionalValue(name, String.class).orElse("unset");
    }

    @Test
    void tracing_is_off_without_an_endpoint_and_left_alone_with_one() {
        String disabled = OffUnlessConfigured.TRACING_DISABLED;
        assertThat(value(Map.of(), disabled)).isEqualTo("true");
        assertThat(value(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://collector:4317"), disabled))
                .isEqualTo("unset");
        assertThat(value(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4318"), disabled))
                .isEqualTo("unset");
        assertThat(value(Map.of(disabled, "false"), disabled))
                .as("an explicit setting wins")
                .isEqualTo("false");
    }
}
