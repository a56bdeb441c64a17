package org.dftp.netty.proxy;

import java.util.function.Supplier;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.HostPort;

/** Where a peer's public API is, from the current cluster state. */
public final class PeerAddresses {
    private final Supplier<ClusterState> state;

    public PeerAddresses(Supplier<ClusterState> state) {
        this.state = state;
    }

    /**
     * The {@code host:port} of {@code owner}'s public API, or null when the node is unknown. An empty host
     * (a peer that announced {@code :7040}) falls back to the host of its management address.
     */
    public HostPort publicAddress(String owner) {
        NodeInfo peer = state.get().peer(owner);
        if (peer == null || peer.publicAddr() == null) {
            return null;
        }
        try {
            HostPort pub = HostPort.parse(peer.publicAddr());
            if (pub.host().isEmpty() && peer.mgmtAddr() != null) {
                pub = pub.withDefaultHost(HostPort.parse(peer.mgmtAddr()).host());
            }
            return pub.host().isEmpty() ? pub.withDefaultHost("127.0.0.1") : pub;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Whether {@code address} is one of a peer's, as the cluster state lists them (management and public
     * addresses); a loopback address counts when a peer is on this machine. Literal comparison only: no
     * name is resolved on an event loop.
     */
    public boolean isPeer(java.net.InetAddress address) {
        String ip = address.getHostAddress();
        for (NodeInfo peer : state.get().peers().values()) {
            for (String a : new String[] {peer.mgmtAddr(), peer.publicAddr()}) {
                if (a == null) {
                    continue;
                }
                try {
                    String host = HostPort.parse(a).host();
                    if (host.equals(ip) || address.isLoopbackAddress()
                            && (host.isEmpty() || host.equals("localhost") || host.startsWith("127."))) {
                        return true;
                    }
                } catch (IllegalArgumentException e) {
                    // not an address: not this one
                }
            }
        }
        return false;
    }
}
