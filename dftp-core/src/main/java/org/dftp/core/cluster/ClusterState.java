package org.dftp.core.cluster;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.wire.ClusterInfo;
import org.dftp.core.wire.NodeInfo;

/**
 * Everything a node knows: who it is, its peers, and the tree of the whole DFS. Immutable; changed
 * only by the {@link Reducer}, and each "with" method returns {@code this} when nothing changes.
 */
public final class ClusterState {
    private final String clusterName;
    private final NodeInfo self;
    private final Map<String, NodeInfo> peers;
    private final DfsTree tree;

    private ClusterState(String clusterName, NodeInfo self, Map<String, NodeInfo> peers, DfsTree tree) {
        this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
        this.self = Objects.requireNonNull(self, "self");
        this.peers = peers;
        this.tree = Objects.requireNonNull(tree, "tree");
    }

    /** A node alone with an empty tree. */
    public static ClusterState initial(String clusterName, NodeInfo self) {
        return new ClusterState(clusterName, self, Map.of(), DfsTree.EMPTY);
    }

    public String clusterName() {
        return clusterName;
    }

    public NodeInfo self() {
        return self;
    }

    /** This node's name: the owner of its local offers. */
    public String selfName() {
        return self.name();
    }

    /** Peers by name, sorted, unmodifiable. */
    public Map<String, NodeInfo> peers() {
        return peers;
    }

    public NodeInfo peer(String name) {
        return peers.get(name);
    }

    public DfsTree tree() {
        return tree;
    }

    /** What {@code GET /cluster/} answers. */
    public ClusterInfo info() {
        return new ClusterInfo(clusterName, self, new LinkedHashMap<>(peers));
    }

    public ClusterState withTree(DfsTree t) {
        return t == tree ? this : new ClusterState(clusterName, self, peers, t);
    }

    public ClusterState withSelf(NodeInfo s) {
        return s.equals(self) ? this : new ClusterState(clusterName, s, peers, tree);
    }

    public ClusterState withPeer(NodeInfo peer) {
        if (peer.equals(peers.get(peer.name()))) {
            return this;
        }
        Map<String, NodeInfo> next = new TreeMap<>(peers);
        next.put(peer.name(), peer);
        return new ClusterState(clusterName, self, Collections.unmodifiableMap(next), tree);
    }

    public ClusterState withoutPeer(String name) {
        if (!peers.containsKey(name)) {
            return this;
        }
        Map<String, NodeInfo> next = new TreeMap<>(peers);
        next.remove(name);
        return new ClusterState(clusterName, self, Collections.unmodifiableMap(next), tree);
    }
}
