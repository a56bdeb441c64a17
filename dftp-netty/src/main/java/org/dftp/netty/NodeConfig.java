package org.dftp.netty;

import java.nio.file.Path;
import java.time.Duration;
import org.dftp.core.DfsPath;

/**
 * Everything a node is started with: the flags of docs/PROTOCOL.md, validated. Built by {@link Main} from
 * the command line, or directly by tests and embedding applications.
 *
 * @param nodeName this node's name (the host name unless {@code -node-name} says otherwise)
 * @param clusterName the cluster this node belongs to
 * @param dfsRoot the local directory projected into the DFS
 * @param dfsMount where it appears inside the DFS
 * @param httpListen public HTTP address
 * @param mgmtListen management HTTP address
 * @param ftpListen FTP address, or null when FTP is off
 * @param multicastDiscovery multicast group address, or null when discovery is off
 * @param ftpPassivePorts passive port range such as {@code 30000-30100}, or null for any free port
 * @param ftpPassiveAddress address announced in {@code 227} replies, or null for the control connection's
 * @param ftpMaxConnections most concurrent FTP sessions
 * @param ftpIdleTimeout idle FTP sessions are closed after this long
 * @param fullUpdateInterval how often every peer gets a full update
 * @param pingInterval how often every peer is pinged
 * @param pingFailures missed pings in a row after which a peer is removed
 * @param writes who may write and how much ({@link Writes#READ_ONLY} without {@code -users})
 * @param tls the public port's certificate ({@link Tls#NONE}: plain HTTP)
 * @param peers who may become a peer: how many, and how far their clocks may run ahead
 * @param limits how long and how many: the timeouts and per-address limits of every port
 * @param accessLog {@code -access-log}: the file that gets a line per HTTP request and FTP transfer, {@code -}
 *     for standard output, or null for no access log
 */
public record NodeConfig(
        String nodeName,
        String clusterName,
        Path dfsRoot,
        DfsPath dfsMount,
        HostPort httpListen,
        HostPort mgmtListen,
        HostPort ftpListen,
        HostPort multicastDiscovery,
        String ftpPassivePorts,
        String ftpPassiveAddress,
        int ftpMaxConnections,
        Duration ftpIdleTimeout,
        Duration fullUpdateInterval,
        Duration pingInterval,
        int pingFailures,
        Writes writes,
        Tls tls,
        Peers peers,
        Limits limits,
        String accessLog) {

    /**
     * The bounded-resources flags (docs/RELIABILITY.md, "Bounded resources").
     *
     * @param headerTimeout {@code -http-header-timeout}: a request whose headers are not complete this long
     *     after its first byte is answered {@code 408} and its connection closed (public and management ports)
     * @param idleTimeout {@code -http-idle-timeout}: a connection without a request in flight is closed after
     *     this long without a byte from the client (public and management ports)
     * @param sendTimeout {@code -http-send-timeout}: a connection whose pending response has not moved a byte
     *     towards the client for this long is closed
     * @param maxConnectionsPerAddress {@code -http-max-connections-per-address}: most connections one client
     *     address holds open on the public port, and as many on the management port; one more is refused
     * @param ftpLoginTimeout {@code -ftp-login-timeout}: an FTP session not logged in this long after it
     *     connected is closed with {@code 421}
     * @param ftpMaxConnectionsPerAddress {@code -ftp-max-connections-per-address}: most FTP sessions of one
     *     client address; one more is answered {@code 421}
     * @param maxUpdateEntries {@code -max-update-entries}: most files one {@code /update/} may carry; a larger
     *     update is refused ({@code 400}) and nothing of it applied
     */
    public record Limits(Duration headerTimeout, Duration idleTimeout, Duration sendTimeout,
                         int maxConnectionsPerAddress, Duration ftpLoginTimeout, int ftpMaxConnectionsPerAddress,
                         int maxUpdateEntries) {
        public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(60), Duration.ofSeconds(75),
                Duration.ofSeconds(60), 256, Duration.ofSeconds(30), 16, 20_000_000);

        public Limits {
            positive("-http-header-timeout", headerTimeout);
            positive("-http-idle-timeout", idleTimeout);
            positive("-http-send-timeout", sendTimeout);
            positive("-ftp-login-timeout", ftpLoginTimeout);
            if (maxConnectionsPerAddress < 1) {
                throw new IllegalArgumentException("-http-max-connections-per-address must be at least 1");
            }
            if (ftpMaxConnectionsPerAddress < 1) {
                throw new IllegalArgumentException("-ftp-max-connections-per-address must be at least 1");
            }
            if (maxUpdateEntries < 1) {
                throw new IllegalArgumentException("-max-update-entries must be at least 1");
            }
        }

        private static void positive(String flag, Duration d) {
            java.util.Objects.requireNonNull(d, flag);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(flag + " must be positive, not " + GoDuration.format(d));
            }
        }

        /** These limits with other HTTP timeouts (the same on the public and the management port). */
        public Limits withHttpTimeouts(Duration header, Duration idle, Duration send) {
            return new Limits(header, idle, send, maxConnectionsPerAddress, ftpLoginTimeout,
                    ftpMaxConnectionsPerAddress, maxUpdateEntries);
        }

        /** These limits with another per-address connection limit on the HTTP ports. */
        public Limits withMaxConnectionsPerAddress(int max) {
            return new Limits(headerTimeout, idleTimeout, sendTimeout, max, ftpLoginTimeout,
                    ftpMaxConnectionsPerAddress, maxUpdateEntries);
        }

        /** These limits with another FTP login timeout and per-address session limit. */
        public Limits withFtp(Duration loginTimeout, int maxPerAddress) {
            return new Limits(headerTimeout, idleTimeout, sendTimeout, maxConnectionsPerAddress, loginTimeout,
                    maxPerAddress, maxUpdateEntries);
        }
    }

    /**
     * The peer-table flags.
     *
     * @param maxPeers {@code -max-peers}: the most nodes the peer table holds; a new one beyond is refused
     * @param maxPendingGreetings {@code -max-pending-greetings}: the most greetings of addresses that are not
     *     a peer's under way at once
     * @param maxClockSkew {@code -max-clock-skew}: how far a peer's {@code LastInfoUpdated} may be ahead of
     *     this node's clock; a later one is refused
     * @param secret {@code -cluster-secret} or {@code -cluster-secret-file}: every request between nodes and
     *     every discovery ping is signed with it and checked; null speaks the original, unsigned protocol
     */
    public record Peers(int maxPeers, int maxPendingGreetings, Duration maxClockSkew,
                        org.dftp.core.auth.ClusterKey secret) {
        public static final Peers DEFAULTS = new Peers(256, 16, Duration.ofMinutes(5), null);

        public Peers(int maxPeers, int maxPendingGreetings, Duration maxClockSkew) {
            this(maxPeers, maxPendingGreetings, maxClockSkew, null);
        }

        /** These limits with {@code key} as the cluster secret. */
        public Peers withSecret(org.dftp.core.auth.ClusterKey key) {
            return new Peers(maxPeers, maxPendingGreetings, maxClockSkew, key);
        }

        public Peers {
            if (maxPeers < 1) {
                throw new IllegalArgumentException("-max-peers must be at least 1");
            }
            if (maxPendingGreetings < 1) {
                throw new IllegalArgumentException("-max-pending-greetings must be at least 1");
            }
            if (maxClockSkew.isNegative()) {
                throw new IllegalArgumentException("-max-clock-skew cannot be negative");
            }
        }
    }

    /**
     * The TLS flags.
     *
     * @param cert the PEM certificate chain of {@code -tls-cert}, or null for plain HTTP
     * @param key its PEM private key ({@code -tls-key})
     * @param redirectListen {@code -http-redirect-listen}: a plain HTTP port that sends every request to
     *     HTTPS with a {@code 308}, or null
     * @param ftpRequireTls {@code -ftp-require-tls}: FTP refuses logins before {@code AUTH TLS} and data
     *     connections without {@code PROT P} (with a certificate, FTP offers TLS either way)
     * @param peerTls {@code -peer-tls}: the management API, and every request between nodes, over TLS
     * @param peerCa {@code -peer-ca}: the PEM certificates a peer's must chain to; null for this node's own
     */
    public record Tls(Path cert, Path key, HostPort redirectListen, boolean ftpRequireTls, boolean peerTls,
                      Path peerCa) {
        public static final Tls NONE = new Tls(null, null, null, false, false, null);

        public Tls {
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("-tls-cert and -tls-key go together");
            }
            if (redirectListen != null && cert == null) {
                throw new IllegalArgumentException("-http-redirect-listen needs -tls-cert and -tls-key");
            }
            if (ftpRequireTls && cert == null) {
                throw new IllegalArgumentException("-ftp-require-tls needs -tls-cert and -tls-key");
            }
            if (peerTls && cert == null) {
                throw new IllegalArgumentException("-peer-tls needs -tls-cert and -tls-key");
            }
            if (peerCa != null && !peerTls) {
                throw new IllegalArgumentException("-peer-ca goes with -peer-tls");
            }
        }

        /** HTTPS on the public port only: FTP offers TLS without requiring it, plain HTTP between nodes. */
        public Tls(Path cert, Path key, HostPort redirectListen) {
            this(cert, key, redirectListen, false, false, null);
        }

        /** The same, perhaps with {@code -ftp-require-tls}. */
        public Tls(Path cert, Path key, HostPort redirectListen, boolean ftpRequireTls) {
            this(cert, key, redirectListen, ftpRequireTls, false, null);
        }

        public boolean enabled() {
            return cert != null;
        }
    }

    /**
     * The write flags.
     *
     * @param usersFile the users file of {@code -users}, or null: nobody may write
     * @param anonymousRead whether callers without credentials may read ({@code -anonymous-read})
     * @param maxUploadSize the largest file a client may write, in bytes; 0 for no limit
     */
    public record Writes(Path usersFile, boolean anonymousRead, long maxUploadSize) {
        public static final Writes READ_ONLY = new Writes(null, true, 0);

        public Writes {
            if (maxUploadSize < 0) {
                throw new IllegalArgumentException("the upload limit cannot be negative");
            }
        }
    }

    public NodeConfig {
        java.util.Objects.requireNonNull(writes, "writes");
        java.util.Objects.requireNonNull(tls, "tls");
        java.util.Objects.requireNonNull(peers, "peers");
        java.util.Objects.requireNonNull(limits, "limits");
        if (accessLog != null && accessLog.isEmpty()) {
            accessLog = null; // as the flag: empty is no access log
        }
    }

    /** A node without an access log. */
    public NodeConfig(String nodeName, String clusterName, Path dfsRoot, DfsPath dfsMount, HostPort httpListen,
                      HostPort mgmtListen, HostPort ftpListen, HostPort multicastDiscovery, String ftpPassivePorts,
                      String ftpPassiveAddress, int ftpMaxConnections, Duration ftpIdleTimeout,
                      Duration fullUpdateInterval, Duration pingInterval, int pingFailures, Writes writes, Tls tls,
                      Peers peers, Limits limits) {
        this(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen, multicastDiscovery,
                ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout, fullUpdateInterval,
                pingInterval, pingFailures, writes, tls, peers, limits, null);
    }

    /** A node with the default bounded-resources limits. */
    public NodeConfig(String nodeName, String clusterName, Path dfsRoot, DfsPath dfsMount, HostPort httpListen,
                      HostPort mgmtListen, HostPort ftpListen, HostPort multicastDiscovery, String ftpPassivePorts,
                      String ftpPassiveAddress, int ftpMaxConnections, Duration ftpIdleTimeout,
                      Duration fullUpdateInterval, Duration pingInterval, int pingFailures, Writes writes, Tls tls,
                      Peers peers) {
        this(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen, multicastDiscovery,
                ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout, fullUpdateInterval,
                pingInterval, pingFailures, writes, tls, peers, Limits.DEFAULTS);
    }

    /** A node with the default peer-table limits. */
    public NodeConfig(String nodeName, String clusterName, Path dfsRoot, DfsPath dfsMount, HostPort httpListen,
                      HostPort mgmtListen, HostPort ftpListen, HostPort multicastDiscovery, String ftpPassivePorts,
                      String ftpPassiveAddress, int ftpMaxConnections, Duration ftpIdleTimeout,
                      Duration fullUpdateInterval, Duration pingInterval, int pingFailures, Writes writes, Tls tls) {
        this(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen, multicastDiscovery,
                ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout, fullUpdateInterval,
                pingInterval, pingFailures, writes, tls, Peers.DEFAULTS);
    }

    /** A node with the defaults of docs/PROTOCOL.md on the given ports; convenient for tests. */
    public static NodeConfig defaults(String nodeName, Path dfsRoot) {
        return new NodeConfig(nodeName, "dftp", dfsRoot, DfsPath.ROOT,
                HostPort.parse(":7040"), HostPort.parse(":7041"), HostPort.parse(":2121"),
                HostPort.parse("224.0.0.9:7041"), null, null, 64, Duration.ofMinutes(5),
                Duration.ofHours(1), Duration.ofSeconds(10), 3, Writes.READ_ONLY, Tls.NONE);
    }

    public NodeConfig withListen(HostPort http, HostPort mgmt, HostPort ftp) {
        return new NodeConfig(nodeName, clusterName, dfsRoot, dfsMount, http, mgmt, ftp, multicastDiscovery,
                ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout, fullUpdateInterval,
                pingInterval, pingFailures, writes, tls, peers, limits, accessLog);
    }

    public NodeConfig withMulticast(HostPort group) {
        return new NodeConfig(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen, group,
                ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout, fullUpdateInterval,
                pingInterval, pingFailures, writes, tls, peers, limits, accessLog);
    }

    public NodeConfig withLiveness(Duration pingEvery, int missedPings) {
        return new NodeConfig(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen,
                multicastDiscovery, ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout,
                fullUpdateInterval, pingEvery, missedPings, writes, tls, peers, limits, accessLog);
    }

    public NodeConfig withWrites(Writes w) {
        return new NodeConfig(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen,
                multicastDiscovery, ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout,
                fullUpdateInterval, pingInterval, pingFailures, w, tls, peers, limits, accessLog);
    }

    public NodeConfig withTls(Tls t) {
        return new NodeConfig(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen,
                multicastDiscovery, ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout,
                fullUpdateInterval, pingInterval, pingFailures, writes, t, peers, limits, accessLog);
    }

    public NodeConfig withPeers(Peers p) {
        return new NodeConfig(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen,
                multicastDiscovery, ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout,
                fullUpdateInterval, pingInterval, pingFailures, writes, tls, p, limits, accessLog);
    }

    public NodeConfig withFullUpdateInterval(Duration every) {
        return new NodeConfig(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen,
                multicastDiscovery, ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout, every,
                pingInterval, pingFailures, writes, tls, peers, limits, accessLog);
    }

    public NodeConfig withLimits(Limits l) {
        return new NodeConfig(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen,
                multicastDiscovery, ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout,
                fullUpdateInterval, pingInterval, pingFailures, writes, tls, peers, l, accessLog);
    }

    /** This node with {@code -access-log} set to {@code target} (a file, {@code -}, or null for none). */
    public NodeConfig withAccessLog(String target) {
        return new NodeConfig(nodeName, clusterName, dfsRoot, dfsMount, httpListen, mgmtListen, ftpListen,
                multicastDiscovery, ftpPassivePorts, ftpPassiveAddress, ftpMaxConnections, ftpIdleTimeout,
                fullUpdateInterval, pingInterval, pingFailures, writes, tls, peers, limits, target);
    }
}
