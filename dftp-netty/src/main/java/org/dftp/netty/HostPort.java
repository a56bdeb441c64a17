package org.dftp.netty;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} address as the original's flags and wire fields write it; the host may be empty
 * ({@code :7040}, every interface) and IPv6 hosts are bracketed ({@code [::1]:7040}).
 *
 * @param host the host, empty for "any"
 * @param port 0 to 65535
 */
public record HostPort(String host, int port) {

    /** Parses {@code host:port}; throws {@link IllegalArgumentException} with a message fit for the user. */
    public static HostPort parse(String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + s + "' is not host:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + s + "': an IPv6 host needs brackets, e.g. [::1]:7040");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' has no valid port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + s + "': port out of range");
        }
        return new HostPort(host, port);
    }

    /** This address with an empty host replaced by {@code host}: the rule for {@code :port} peers. */
    public HostPort withDefaultHost(String defaultHost) {
        return host.isEmpty() ? new HostPort(defaultHost, port) : this;
    }

    /** An address to bind: empty host means every interface. */
    public InetSocketAddress bindAddress() {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
