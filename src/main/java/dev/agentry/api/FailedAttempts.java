package dev.agentry.api;

import dev.agentry.access.AccessConfig;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing: an address (for IPv6, its /64 network) that presents {@code
 * agentry.access.max-failures} keys that are not valid within {@code agentry.access.failure-window} is
 * refused (429) until that window ends, whatever key it presents meanwhile.
 */
@ApplicationScoped
public class FailedAttempts {

    /** Most addresses remembered; past it, windows that ended are forgotten first, then all. */
    private static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    private final int limit;
    private final long windowMillis;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    FailedAttempts(Clock clock, AccessConfig config) {
        this.clock = clock;
        this.limit = config.maxFailures();
        this.windowMillis = config.failureWindow().toMillis();
    }

    /** Failures of one address since {@code start}. */
    private record Window(long start, int failures) {}

    /** Milliseconds until {@code address} may try again, if it is refused now. */
    Optional<Long> refusedFor(String address) {
        Window window = windows.get(address);
        long now = clock.millis();
        if (window == null || window.failures() < limit || now - window.start() >= windowMillis) {
            return Optional.empty();
        }
        return Optional.of(window.start() + windowMillis - now);
    }

    void record(String address) {
        long now = clock.millis();
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().removeIf(window -> now - window.start() >= windowMillis);
            if (windows.size() >= MAX_ADDRESSES) {
                windows.clear();
            }
        }
        windows.merge(
                address,
                new Window(now, 1),
                (old, first) ->
                        now - old.start() >= windowMillis ? first : new Window(old.start(), old.failures() + 1));
    }

    /** Who a request's failures count against: its address, as {@link #network} groups it. */
    static String address(RoutingContext context) {
        var remote = context.request().remoteAddress();
        return remote == null ? "unknown" : network(remote.hostAddress());
    }

    /**
     * An IPv4 address as it is; an IPv6 address as its /64 network, the block one subscriber or host is
     * usually given, so that walking through the addresses of one network does not start afresh with
     * each (a /64 holds 2^64 of them). An IPv4 address written as IPv6 ({@code ::ffff:192.0.2.1}) counts
     * as the IPv4 address.
     */
    static String network(String address) {
        InetAddress parsed;
        try {
            parsed = InetAddress.ofLiteral(address);
        } catch (IllegalArgumentException notAnAddress) {
            return address;
        }
        if (!(parsed instanceof Inet6Address)) {
            return parsed.getHostAddress();
        }
        byte[] bytes = parsed.getAddress();
        StringBuilder network = new StringBuilder();
        for (int group = 0; group < 4; group++) {
            network.append(Integer.toHexString(((bytes[2 * group] & 0xff) << 8) | (bytes[2 * group + 1] & 0xff)))
                    .append(':');
        }
        return network.append(":/64").toString();
    }
}
