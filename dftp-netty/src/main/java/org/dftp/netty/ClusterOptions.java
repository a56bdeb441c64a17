package org.dftp.netty;

import java.time.Duration;
import java.util.Objects;

/**
 * How an embedded server ({@link DftpHttp.Builder#cluster(ClusterOptions)}) takes part in a dftp cluster,
 * as a runnable node does: its management API (joins, updates, pings, {@code /metrics}) on a port of its
 * own, and the addresses it advertises to its peers.
 *
 * @param mgmtListen where the management API listens, e.g. {@code 127.0.0.1:7041}; port 0 picks a free one
 *     ({@link DftpHttp#mgmtPort()} tells which)
 * @param publicAddress the address of the host's own public HTTP port, the one serving
 *     {@link DftpHttp#initializer()}: peers fetch this node's files there. An empty host means "the address
 *     a peer sees me at", as a node's {@code -http-listen=:7040} does
 * @param clusterName the cluster's name ({@code -cluster-name}); nodes of different names do not join
 * @param multicastDiscovery the group to find peers on ({@code -multicast-discovery-addr}), or null for none:
 *     then peers come by {@code POST /join/} on the management API only
 * @param peers who may become a peer: how many, how far their clocks may run ahead, the cluster secret
 * @param pingInterval how often each peer is pinged ({@code -ping-interval})
 * @param pingFailures missed pings in a row after which a peer is dropped ({@code -ping-failures})
 */
public record ClusterOptions(HostPort mgmtListen, HostPort publicAddress, String clusterName,
                             HostPort multicastDiscovery, NodeConfig.Peers peers, Duration pingInterval,
                             int pingFailures) {
    /** Every field but {@code multicastDiscovery} is required. */
    public ClusterOptions {
        Objects.requireNonNull(mgmtListen, "mgmtListen");
        Objects.requireNonNull(publicAddress, "publicAddress");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(peers, "peers");
        Objects.requireNonNull(pingInterval, "pingInterval");
    }

    /**
     * The defaults of a runnable node (cluster {@code dftp}, no multicast discovery, pings every 10 s, three
     * missed drop a peer, {@link NodeConfig.Peers#DEFAULTS}) on these two addresses.
     *
     * @param mgmtListen where the management API listens, {@code host:port}
     * @param publicAddress the host's public HTTP port as peers reach it, {@code host:port} or {@code :port}
     * @return the options
     */
    public static ClusterOptions of(String mgmtListen, String publicAddress) {
        return new ClusterOptions(HostPort.parse(mgmtListen), HostPort.parse(publicAddress), "dftp", null,
                NodeConfig.Peers.DEFAULTS, Duration.ofSeconds(10), 3);
    }

    /**
     * @param name the cluster's name
     * @return these options in the cluster called {@code name}
     */
    public ClusterOptions withClusterName(String name) {
        return new ClusterOptions(mgmtListen, publicAddress, name, multicastDiscovery, peers, pingInterval, pingFailures);
    }

    /**
     * @param group the multicast group and port to discover peers on, e.g. {@code 224.0.0.9:7041}
     * @return these options with multicast discovery on
     */
    public ClusterOptions withMulticastDiscovery(String group) {
        return new ClusterOptions(mgmtListen, publicAddress, clusterName, HostPort.parse(group), peers, pingInterval,
                pingFailures);
    }

    /**
     * @param p the peer limits, and the cluster secret if any ({@link NodeConfig.Peers#withSecret})
     * @return these options with those limits
     */
    public ClusterOptions withPeers(NodeConfig.Peers p) {
        return new ClusterOptions(mgmtListen, publicAddress, clusterName, multicastDiscovery, p, pingInterval, pingFailures);
    }

    /** The store's first state: this node alone, in this cluster, at the addresses it advertises. */
    org.dftp.core.cluster.ClusterState initialState(String nodeName) {
        return org.dftp.core.cluster.ClusterState.initial(clusterName, org.dftp.core.wire.NodeInfo.of(nodeName,
                publicAddress.toString(), mgmtListen.toString()));
    }

    /** The runnable node's flags these options stand for: what {@code ClusterServices} reads. */
    NodeConfig nodeConfig(String nodeName, java.nio.file.Path root, NodeConfig.Limits limits) {
        return new NodeConfig(nodeName, clusterName, root, org.dftp.core.DfsPath.ROOT, publicAddress, mgmtListen, null,
                multicastDiscovery, null, null, 0, Duration.ofMinutes(5), Duration.ofHours(1), pingInterval,
                pingFailures, NodeConfig.Writes.READ_ONLY, NodeConfig.Tls.NONE, peers, limits, null);
    }
}
