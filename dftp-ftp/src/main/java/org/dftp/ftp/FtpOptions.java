package org.dftp.ftp;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the FTP front end listens and behaves: the {@code -ftp-*} flags of docs/PROTOCOL.md, validated here and
 * nowhere else. Every check throws {@link IllegalArgumentException} with a message fit for the user.
 *
 * @param nodeName this node's name: shown in the welcome banner, and files it owns are read locally
 * @param host the address to listen on; empty for every interface
 * @param port the port to listen on, 0 for an ephemeral one (see {@link DfsFtpServer#port()})
 * @param passivePorts ports for passive data connections, such as {@code 30000-30100} or
 *     {@code 30000,30002-30010}; null for any free port
 * @param passiveAddress the address announced in {@code 227} replies (for a server behind NAT); null to
 *     announce the address the client connected to
 * @param maxConnections most concurrent control connections; one more is answered {@code 421}
 * @param idleTimeout a control connection that sends nothing for this long is closed (never during a
 *     transfer); whole seconds, at least one
 * @param tls explicit TLS ({@code AUTH TLS}) and whether it is required; {@link FtpTls#OFF} for plain FTP only
 * @param loginTimeout a control connection not logged in this long after it connected is closed with
 *     {@code 421}; at least a millisecond
 * @param maxConnectionsPerAddress most concurrent control connections of one client address; one more is
 *     answered {@code 421}
 */
public record FtpOptions(
        String nodeName,
        String host,
        int port,
        String passivePorts,
        String passiveAddress,
        int maxConnections,
        Duration idleTimeout,
        FtpTls tls,
        Duration loginTimeout,
        int maxConnectionsPerAddress) {

    /** The FTP port of docs/PROTOCOL.md. */
    public static final int DEFAULT_PORT = 2121;
    /** Sessions a node serves at once unless told otherwise. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** How long an idle session is kept unless told otherwise. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** How long a connection may take to log in unless told otherwise. */
    public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(30);
    /** Sessions one client address may hold unless told otherwise: a quarter of the default limit. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 16;

    private static final Pattern PORT_RANGE = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");

    public FtpOptions {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(loginTimeout, "loginTimeout");
        if (loginTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("FTP: login timeout must be positive, not " + loginTimeout);
        }
        if (maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("FTP: max connections per address must be at least 1, not "
                    + maxConnectionsPerAddress);
        }
        if (nodeName.isBlank()) {
            throw new IllegalArgumentException("FTP: the node name must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("FTP: listen port " + port + " is out of range 0-65535");
        }
        if (passivePorts != null) {
            checkPassivePorts(passivePorts);
        }
        if (passiveAddress != null && (passiveAddress.isBlank() || passiveAddress.chars().anyMatch(Character::isWhitespace))) {
            throw new IllegalArgumentException("FTP: passive address '" + passiveAddress + "' is not a host name or address");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("FTP: max connections must be at least 1, not " + maxConnections);
        }
        if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0 || idleTimeout.getSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("FTP: idle timeout must be between 1s and " + Integer.MAX_VALUE
                    + "s, not " + idleTimeout);
        }
    }

    /** Options with the default login timeout and per-address limit. */
    public FtpOptions(String nodeName, String host, int port, String passivePorts, String passiveAddress,
                      int maxConnections, Duration idleTimeout, FtpTls tls) {
        this(nodeName, host, port, passivePorts, passiveAddress, maxConnections, idleTimeout, tls,
                DEFAULT_LOGIN_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    /** Options without TLS, as they were before {@code AUTH TLS}. */
    public FtpOptions(String nodeName, String host, int port, String passivePorts, String passiveAddress,
                      int maxConnections, Duration idleTimeout) {
        this(nodeName, host, port, passivePorts, passiveAddress, maxConnections, idleTimeout, FtpTls.OFF);
    }

    /**
     * The defaults of docs/PROTOCOL.md: every interface on port {@value #DEFAULT_PORT}, any passive port, the
     * control connection's address in {@code 227}, {@value #DEFAULT_MAX_CONNECTIONS} sessions, 5 minutes idle.
     *
     * @param nodeName this node's name
     * @return the default options
     */
    public static FtpOptions defaults(String nodeName) {
        return new FtpOptions(nodeName, "", DEFAULT_PORT, null, null, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * @param host the address to listen on, empty for every interface
     * @param port the port, 0 for an ephemeral one
     * @return these options listening elsewhere
     */
    public FtpOptions withListen(String host, int port) {
        return new FtpOptions(nodeName, host, port, passivePorts, passiveAddress, maxConnections, idleTimeout, tls,
                loginTimeout, maxConnectionsPerAddress);
    }

    /**
     * @param passivePorts a port range such as {@code 30000-30100}, or null for any free port
     * @param passiveAddress the address announced in {@code 227} replies, or null
     * @return these options with another passive mode set-up
     */
    public FtpOptions withPassive(String passivePorts, String passiveAddress) {
        return new FtpOptions(nodeName, host, port, passivePorts, passiveAddress, maxConnections, idleTimeout, tls,
                loginTimeout, maxConnectionsPerAddress);
    }

    /**
     * @param maxConnections most concurrent control connections
     * @param idleTimeout how long an idle control connection is kept
     * @return these options with other session limits
     */
    public FtpOptions withLimits(int maxConnections, Duration idleTimeout) {
        return new FtpOptions(nodeName, host, port, passivePorts, passiveAddress, maxConnections, idleTimeout, tls,
                loginTimeout, maxConnectionsPerAddress);
    }

    /**
     * @param tls explicit TLS on this port, or {@link FtpTls#OFF}
     * @return these options with another TLS set-up
     */
    public FtpOptions withTls(FtpTls tls) {
        return new FtpOptions(nodeName, host, port, passivePorts, passiveAddress, maxConnections, idleTimeout, tls,
                loginTimeout, maxConnectionsPerAddress);
    }

    /**
     * @param loginTimeout how long a connection may take to log in
     * @param maxConnectionsPerAddress most concurrent control connections of one client address
     * @return these options with other login limits
     */
    public FtpOptions withLoginLimits(Duration loginTimeout, int maxConnectionsPerAddress) {
        return new FtpOptions(nodeName, host, port, passivePorts, passiveAddress, maxConnections, idleTimeout, tls,
                loginTimeout, maxConnectionsPerAddress);
    }

    /** The idle timeout in whole seconds, as MINA counts it; a fraction of a second counts as one more. */
    int idleTimeoutSeconds() {
        long seconds = idleTimeout.getSeconds();
        return (int) Math.min(Integer.MAX_VALUE, idleTimeout.getNano() > 0 ? seconds + 1 : seconds);
    }

    /** The listen address as the flags write it: {@code :2121}, {@code 127.0.0.1:2121}, {@code [::1]:2121}. */
    String listenAddress(int boundPort) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + boundPort;
    }

    private static void checkPassivePorts(String spec) {
        if (spec.isBlank()) {
            throw new IllegalArgumentException("FTP: passive ports must not be empty (leave the flag out for any port)");
        }
        for (String part : spec.split(",", -1)) {
            Matcher m = PORT_RANGE.matcher(part.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("FTP: passive ports '" + spec
                        + "' are not a port or range list such as 30000-30100");
            }
            int from = Integer.parseInt(m.group(1));
            int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
            if (from < 1 || to > 65535 || from > to) {
                throw new IllegalArgumentException("FTP: passive port range '" + part.trim()
                        + "' is not within 1-65535 with the lower port first");
            }
        }
    }
}
