package dev.agentry.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentry.asset.FieldException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An allowed name that DNS points inside a private network does not become a way in. */
class EgressTest {

    /** A resolver that answers from a table, as DNS under someone else's control would. */
    private static Egress.Resolver dns(Map<String, String> table) {
        return host -> {
            String address = table.get(host);
            if (address == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(address)};
        };
    }

    private static final Egress.Resolver DNS = dns(Map.of(
            "api.example.com", "93.184.216.34",
            "internal.example.com", "10.0.0.5",
            "metadata.example.com", "169.254.169.254",
            "cgnat.example.com", "100.64.1.2",
            "loop.example.com", "127.0.0.1",
            "v6.example.com", "fd00::1"));

    @Test
    void a_name_that_resolves_to_a_public_address_is_sent() {
        assertThat(Egress.refusal("api.example.com", List.of("*.example.com"), DNS))
                .isEmpty();
    }

    @Test
    void a_name_that_resolves_inside_a_private_network_is_refused_with_the_fix() {
        assertThat(Egress.refusal("internal.example.com", List.of("*.example.com"), DNS))
                .hasValue("internal.example.com resolves to 10.0.0.5, an address inside a private network;"
                        + " requests go there only when allowed-hosts lists it (10.0.0.5, or a range such as"
                        + " 10.0.0.0/8)");
        for (String host : List.of("metadata.example.com", "cgnat.example.com", "loop.example.com", "v6.example.com")) {
            assertThat(Egress.refusal(host, List.of("*.example.com"), DNS))
                    .as(host)
                    .isPresent();
        }
    }

    @Test
    void an_address_or_range_listed_in_allowed_hosts_lets_it_through() {
        assertThat(Egress.refusal("internal.example.com", List.of("*.example.com", "10.0.0.5"), DNS))
                .isEmpty();
        assertThat(Egress.refusal("internal.example.com", List.of("*.example.com", "10.0.0.0/8"), DNS))
                .isEmpty();
        assertThat(Egress.refusal("internal.example.com", List.of("*.example.com", "10.1.0.0/16"), DNS))
                .isPresent();
    }

    @Test
    void an_address_written_as_the_host_and_localhost_are_explicit_already() {
        assertThat(Egress.refusal("127.0.0.1", List.of("127.0.0.1"), DNS)).isEmpty();
        assertThat(Egress.refusal("localhost", List.of("localhost"), DNS)).isEmpty();
        assertThat(Egress.refusal("unknown.example.com", List.of("*.example.com"), DNS))
                .isEmpty();
    }

    private static ToolsetDefinition.Transport transport(List<String> allowed) {
        return new ToolsetDefinition.Transport("https://api.example.com", allowed, null, null, null, null);
    }

    @Test
    void a_wildcard_over_a_public_suffix_is_refused_when_the_file_is_read() {
        assertThatThrownBy(() -> transport(List.of("*.com")))
                .isInstanceOf(FieldException.class)
                .hasMessageContaining("'*.com' covers every host under the public suffix 'com'; name the domain,"
                        + " such as *.example.com");
        assertThatThrownBy(() -> transport(List.of("api.example.com", "*.co.uk")))
                .isInstanceOf(FieldException.class)
                .hasMessageContaining("public suffix 'co.uk'");
        assertThat(transport(List.of("*.example.com", "10.0.0.0/8")).allowedHosts())
                .containsExactly("*.example.com", "10.0.0.0/8");
    }
}
