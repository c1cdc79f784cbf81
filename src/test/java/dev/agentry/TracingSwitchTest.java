package dev.agentry;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenTelemetry is off until an OTLP endpoint is set, and an explicit setting decides over both. */
class TracingSwitchTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 250))
                .withSources(new TracingSwitch())
                .build();
    }

    private static String disabled(Map<String, String> properties) {
        return config(properties)
                .getOptionalValue(TracingSwitch.DISABLED, String.class)
                .orElse("unset");
    }

    @Test
    void off_without_an_endpoint_and_left_alone_with_one() {
        assertThat(disabled(Map.of())).isEqualTo("true");
        assertThat(disabled(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://collector:4317")))
                .isEqualTo("unset");
        assertThat(disabled(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4318")))
                .isEqualTo("unset");
    }

    @Test
    void an_explicit_setting_wins() {
        assertThat(disabled(Map.of(TracingSwitch.DISABLED, "false"))).isEqualTo("false");
    }
}
