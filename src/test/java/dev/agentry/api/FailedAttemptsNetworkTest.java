package dev.agentry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentry.access.AccessConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whose failures count together: one IPv4 address, or one IPv6 /64 network. */
class FailedAttemptsNetworkTest {

    @Test
    void ipv6_addresses_count_by_their_64_bit_network_and_ipv4_by_the_address() {
        assertThat(FailedAttempts.network("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2::/64");
        assertThat(FailedAttempts.network("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(FailedAttempts.network("2001:db8:1:3::1")).isEqualTo("2001:db8:1:3::/64");
        assertThat(FailedAttempts.network("::1")).isEqualTo("0:0:0:0::/64");
        assertThat(FailedAttempts.network("192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(FailedAttempts.network("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(FailedAttempts.network("unknown")).isEqualTo("unknown");
    }

    @Test
    void walking_through_one_ipv6_network_does_not_start_afresh_with_each_address() {
        FailedAttempts failures =
                new FailedAttempts(Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC), config(3));
        for (int host = 1; host <= 3; host++) {
            failures.record(FailedAttempts.network("2001:db8:1:2::" + host));
        }

        assertThat(failures.refusedFor(FailedAttempts.network("2001:db8:1:2::99")))
                .isPresent();
        assertThat(failures.refusedFor(FailedAttempts.network("2001:db8:1:3::1")))
                .isEmpty();
        assertThat(failures.refusedFor(FailedAttempts.network("192.0.2.7"))).isEmpty();
    }

    private static AccessConfig config(int maxFailures) {
        return new AccessConfig() {
            @Override
            public Optional<String> adminKey() {
                return Optional.empty();
            }

            @Override
            public int maxFailures() {
                return maxFailures;
            }

            @Override
            public Duration failureWindow() {
                return Duration.ofMinutes(1);
            }

            @Override
            public Optional<List<String>> allowedOrigins() {
                return Optional.empty();
            }

            @Override
            public String oidcAgentsClaim() {
                return "agentry_agents";
            }

            @Override
            public int maxStreamsPerCaller() {
                return 32;
            }
        };
    }
}
