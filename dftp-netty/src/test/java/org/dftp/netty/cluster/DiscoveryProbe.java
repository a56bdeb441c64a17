package org.dftp.netty.cluster;

import java.nio.file.Path;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.Offer;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.NodeMetrics;

/**
 * Run by {@link MulticastDiscoveryTest} in a child JVM inside a network namespace whose loopback does
 * multicast: starts nodes a and b of cluster "dftp" and c of cluster "other", all with discovery on and no
 * {@code /join/}, and exits 0 when a and b found each other (and each other's file) and nobody met c.
 */
public final class DiscoveryProbe {
    private DiscoveryProbe() {
    }

    public static void main(String[] args) throws Exception {
        HostPort group = HostPort.parse(args.length > 0 ? args[0] : "224.0.0.9:7041");
        long deadline = System.currentTimeMillis() + 20_000;
        try (Node a = Node.start("a", "dftp", group); Node b = Node.start("b", "dftp", group);
             Node c = Node.start("c", "other", group)) {
            System.out.println("joined interfaces: " + a.cluster.discoveryInterfaces());
            while (System.currentTimeMillis() < deadline) {
                ClusterState sa = a.store.snapshot();
                ClusterState sb = b.store.snapshot();
                if (sa.peer("b") != null && sb.peer("a") != null
                        && sa.tree().lookup(DfsPath.of("b.txt")) != null && sb.tree().lookup(DfsPath.of("a.txt")) != null) {
                    Thread.sleep(300); // a moment for a stray ping of c to be (wrongly) acted on
                    sa = a.store.snapshot();
                    sb = b.store.snapshot();
                    if (sa.peer("c") != null || sb.peer("c") != null || !c.store.snapshot().peers().isEmpty()) {
                        System.out.println("FAIL: a node of another cluster was met: " + sa.peers() + " " + sb.peers());
                        System.exit(2);
                    }
                    System.out.println("OK: a and b found each other by multicast: " + sa.peers().keySet() + " "
                            + sb.peers().keySet());
                    System.exit(0);
                }
                Thread.sleep(50);
            }
            System.out.println("FAIL: not found in time; a knows " + a.store.snapshot().peers().keySet() + ", b knows "
                    + b.store.snapshot().peers().keySet());
            System.exit(1);
        }
    }

    private record Node(DfsStore store, ClusterServices cluster) implements AutoCloseable {
        static Node start(String name, String clusterName, HostPort group) throws Exception {
            DfsStore store = new DfsStore(ClusterState.initial(clusterName, NodeInfo.of(name, "", "")));
            store.publish(new Event.LocalScanned(List.of(Change.offer(DfsPath.of(name + ".txt"),
                    Offer.of(name, 0644, 1, 1, 1))), true, 1)).join();
            NodeConfig base = NodeConfig.defaults(name, Path.of("/nonexistent"));
            NodeConfig cfg = new NodeConfig(name, clusterName, base.dfsRoot(), base.dfsMount(),
                    HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null, group, null, null,
                    base.ftpMaxConnections(), base.ftpIdleTimeout(), base.fullUpdateInterval(), base.pingInterval(),
                    base.pingFailures(), base.writes(), base.tls());
            return new Node(store, ClusterServices.start(cfg, store, new NodeMetrics(), 7040));
        }

        @Override
        public void close() {
            cluster.close();
            store.close();
        }
    }
}
