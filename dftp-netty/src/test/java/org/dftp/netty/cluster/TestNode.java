package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.Offer;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.NodeMetrics;

/** A node's cluster side in this JVM: a store, and its {@link ClusterServices} on 127.0.0.1, port 0, no multicast. */
final class TestNode implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    final String name;
    final DfsStore store;
    final NodeMetrics metrics;
    final ClusterServices cluster;

    private TestNode(String name, DfsStore store, NodeMetrics metrics, ClusterServices cluster) {
        this.name = name;
        this.store = store;
        this.metrics = metrics;
        this.cluster = cluster;
    }

    static TestNode start(String name, int publicPort) throws IOException {
        return start(name, publicPort, Duration.ofSeconds(10), 3);
    }

    /** A node that pings its peers every {@code pingInterval} and removes those that miss {@code pingFailures}. */
    static TestNode start(String name, int publicPort, Duration pingInterval, int pingFailures) throws IOException {
        return start(name, publicPort, pingInterval, pingFailures, NodeConfig.Peers.DEFAULTS);
    }

    /** A node with these peer-table limits. */
    static TestNode start(String name, int publicPort, NodeConfig.Peers limits) throws IOException {
        return start(name, publicPort, Duration.ofSeconds(10), 3, limits);
    }

    private static TestNode start(String name, int publicPort, Duration pingInterval, int pingFailures,
                                  NodeConfig.Peers limits) throws IOException {
        return start(name, publicPort, pingInterval, pingFailures, limits, NodeConfig.Limits.DEFAULTS);
    }

    /** A node with these bounded-resources limits. */
    static TestNode start(String name, int publicPort, NodeConfig.Limits bounds) throws IOException {
        return start(name, publicPort, Duration.ofSeconds(10), 3, NodeConfig.Peers.DEFAULTS, bounds);
    }

    private static TestNode start(String name, int publicPort, Duration pingInterval, int pingFailures,
                                  NodeConfig.Peers limits, NodeConfig.Limits bounds) throws IOException {
        DfsStore store = new DfsStore(ClusterState.initial("dftp", NodeInfo.of(name, "", "")));
        NodeConfig cfg = NodeConfig.defaults(name, Path.of("/nonexistent"))
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null)
                .withMulticast(null)
                .withLiveness(pingInterval, pingFailures)
                .withPeers(limits)
                .withLimits(bounds);
        NodeMetrics metrics = new NodeMetrics();
        ClusterServices cluster = ClusterServices.start(cfg, store, metrics, publicPort);
        return new TestNode(name, store, metrics, cluster);
    }

    HostPort mgmt() {
        return new HostPort("127.0.0.1", cluster.mgmtPort());
    }

    String url(String path) {
        return "http://" + mgmt() + path;
    }

    /** This node's local tree is exactly these files (a full local scan). */
    void scanned(long time, String... files) {
        List<Change> changes = new ArrayList<>();
        for (String f : files) {
            changes.add(Change.offer(DfsPath.of(f), Offer.of(name, 0644, f.length(), 1000, time)));
        }
        store.publish(new Event.LocalScanned(changes, true, time)).join();
    }

    /** The owner of the entry at {@code path}, or null. */
    String ownerOf(String path) {
        DfsNode n = store.snapshot().tree().lookup(DfsPath.of(path));
        return n == null ? null : n.owner();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
        return post(path, contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> form(String path, String body) throws IOException, InterruptedException {
        return post(path, "application/x-www-form-urlencoded", body);
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    @Override
    public void close() {
        cluster.close();
        store.close();
    }
}
