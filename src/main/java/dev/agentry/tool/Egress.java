package dev.agentry.tool;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Where a request may go once its host is allowed: a name that resolves to a loopback, private,
 * link-local or otherwise internal address is refused, unless the toolset's {@code allowed-hosts}
 * lists that address or a range holding it. So an allowed name (or a wildcard's subdomain) that
 * someone points at the service's own network through DNS does not become a way in. An address
 * written as the host, and {@code localhost}, are explicit already.
 */
public final class Egress {

    /** Addresses of a name; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private Egress() {}

    /** Why a request to {@code host} is refused, if it is; a name that does not resolve is left to the client. */
    public static Optional<String> refusal(String host, List<String> allowed, Resolver resolver) {
        String name = host.toLowerCase(java.util.Locale.ROOT);
        if (name.equals("localhost") || literal(name)) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        for (InetAddress address : addresses) {
            if (internal(address) && allowed.stream().noneMatch(entry -> covers(entry, address))) {
                return Optional.of(name + " resolves to " + address.getHostAddress()
                        + ", an address inside a private network; requests go there only when allowed-hosts"
                        + " lists it (" + address.getHostAddress() + ", or a range such as "
                        + range(address) + ")");
            }
        }
        return Optional.empty();
    }

    private static boolean literal(String host) {
        return host.startsWith("[") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    /** Loopback, private, link-local, carrier-grade NAT, unique-local IPv6 or the unspecified address. */
    public static boolean internal(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isSiteLocalAddress()
                || address.isLinkLocalAddress()
                || address.isAnyLocalAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
        }
        return address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc;
    }

    /** Whether {@code entry} of allowed-hosts is {@code address} itself or an IPv4 range holding it. */
    static boolean covers(String entry, InetAddress address) {
        if (entry.equals(address.getHostAddress())) {
            return true;
        }
        int slash = entry.indexOf('/');
        if (slash < 0 || !(address instanceof Inet4Address)) {
            return false;
        }
        int bits = Integer.parseInt(entry.substring(slash + 1));
        if (bits > 32) {
            return false;
        }
        long network = ipv4(entry.substring(0, slash));
        long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
        return network >= 0 && (ipv4(address.getHostAddress()) & mask) == (network & mask);
    }

    private static long ipv4(String dotted) {
        String[] parts = dotted.split("\\.");
        long value = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return -1;
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    private static String range(InetAddress address) {
        byte[] bytes = address.getAddress();
        return address instanceof Inet4Address ? (bytes[0] & 0xff) + ".0.0.0/8" : address.getHostAddress();
    }
}
