package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.auth.ClusterKey;
import org.dftp.core.wire.GoCaptures;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster with a secret: its nodes find each other and exchange files as before, and refuse, with 401,
 * every request that is not signed with the secret. The first two tests are the findings: two unsigned
 * requests ({@code POST /cluster/}, then {@code POST /update/}) injected files into the tree.
 */
@ExtendWith(NettyLeaks.class)
class SecretClusterTest {
    private static final NodeConfig.Peers SECRET = NodeConfig.Peers.DEFAULTS.withSecret(
            ClusterKey.of("a secret of this cluster alone"));
    private static final NodeConfig.Peers OTHER_SECRET = NodeConfig.Peers.DEFAULTS.withSecret(
            ClusterKey.of("the secret of another cluster"));
    private final List<TestNode> nodes = new ArrayList<>();
    @TempDir
    Path dir;

    private TestNode start(String name, int port, NodeConfig.Peers peers) throws Exception {
        TestNode n = TestNode.start(name, port, peers);
        nodes.add(n);
        return n;
    }

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    @Test
    void unsignedGreetingsAndUpdatesInjectNothing() throws Exception {
        TestNode a = start("node-a", 7040, SECRET);
        a.scanned(100, "own.txt");
        GoCaptures.Request greeting = GoCaptures.request("greeting-request.txt");
        HttpResponse<String> g = a.post(greeting.path(), greeting.headers().get("content-type"), greeting.body());
        assertEquals(401, g.statusCode(), g.body());
        assertTrue(g.body().startsWith("unsigned"), g.body());
        GoCaptures.Request update = GoCaptures.request("full-update-request.txt");
        assertEquals(401, a.post(update.path(), update.headers().get("content-type"), update.body()).statusCode());
        assertEquals(401, a.form("/join/", "peer=127.0.0.1:9").statusCode());
        assertEquals(401, a.get("/cluster/").statusCode(), "the peer list is not shown either");
        assertTrue(a.store.snapshot().peers().isEmpty());
        assertEquals(1, a.store.snapshot().tree().size());
        assertEquals(200, a.get("/healthz").statusCode(), "monitoring stays open");
        HttpResponse<String> metrics = a.get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("dftp_signature_refusals_total 4"), metrics.body());
    }

    @Test
    void nodesWithTheSecretJoinAndExchangeFilesAndAnswersAreSigned() throws Exception {
        TestNode a = start("node-a", 7040, SECRET);
        TestNode b = start("node-b", 7050, SECRET);
        a.scanned(100, "a.txt");
        b.scanned(100, "b.txt", "d/e.txt");
        a.cluster.join(List.of(b.mgmt())).block(Duration.ofSeconds(10));
        TestNode.await("each has the other's files", () -> "node-b".equals(a.ownerOf("d/e.txt"))
                && "node-a".equals(b.ownerOf("a.txt")));
        // An incremental push after the join goes through the framed body too.
        b.scanned(200, "b.txt", "d/e.txt", "late.txt");
        b.cluster.pushChanges(List.of(org.dftp.core.tree.Change.offer(org.dftp.core.DfsPath.of("late.txt"),
                org.dftp.core.tree.Offer.of("node-b", 0644, 8, 1000, 200))));
        TestNode.await("the pushed change arrived", () -> "node-b".equals(a.ownerOf("late.txt")));
        assertEquals(2, a.cluster.client().getCluster(b.mgmt()).block(Duration.ofSeconds(5)).peers().size() + 1);
    }

    @Test
    void aNodeWithAnotherSecretOrNoneIsNotTakenIn() throws Exception {
        TestNode a = start("node-a", 7040, SECRET);
        TestNode other = start("node-o", 7060, OTHER_SECRET);
        TestNode plain = start("node-p", 7070, NodeConfig.Peers.DEFAULTS);
        a.scanned(100, "a.txt");
        plain.scanned(100, "p.txt");
        a.cluster.join(List.of(other.mgmt(), plain.mgmt())).block(Duration.ofSeconds(10));
        other.cluster.join(List.of(a.mgmt())).block(Duration.ofSeconds(10));
        plain.cluster.join(List.of(a.mgmt())).block(Duration.ofSeconds(10));
        Thread.sleep(300);
        assertTrue(a.store.snapshot().peers().isEmpty(), a.store.snapshot().peers().toString());
        assertNull(other.store.snapshot().peer("node-a"));
        // The node without a secret believes anyone, as the original does, and so records a's greeting; but a
        // takes nothing from it and pushes nothing to it.
        assertNull(plain.ownerOf("a.txt"));
        assertNull(a.ownerOf("p.txt"));
        assertEquals(1, a.store.snapshot().tree().size());
    }

    @Test
    void aCapturedSignedGreetingCannotBeReplayed() throws Exception {
        TestNode a = start("node-a", 7040, SECRET);
        ClusterSigning attacker = new ClusterSigning(SECRET.secret(), java.time.Clock.systemUTC());
        String body = "name=gx&public-addr=%3A7060&mgmt-addr=%3A7061";
        ClusterSigning.Signed signed = attacker.signRequest("POST", "/cluster/",
                ClusterKey.digest(body.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        HttpRequest req = HttpRequest.newBuilder(URI.create(a.url("/cluster/")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(ClusterSigning.HEADER, signed.header())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> first = TestNode.HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.headers().firstValue(ClusterSigning.HEADER).isPresent(), "the answer is signed");
        HttpResponse<String> again = TestNode.HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(401, again.statusCode());
        assertTrue(again.body().contains("replay"), again.body());
        // The same signature over another body: refused.
        HttpRequest swapped = HttpRequest.newBuilder(URI.create(a.url("/cluster/")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(ClusterSigning.HEADER, attacker.signRequest("POST", "/cluster/",
                        ClusterKey.digest(body.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).header())
                .POST(HttpRequest.BodyPublishers.ofString(body.replace("gx", "gy"))).build();
        assertEquals(401, TestNode.HTTP.send(swapped, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertNull(a.store.snapshot().peer("gy"));
    }

    @Test
    void dftpJoinSignsTheJoinForAnOperator() throws Exception {
        TestNode a = start("node-a", 7040, SECRET);
        TestNode b = start("node-b", 7050, SECRET);
        b.scanned(100, "b.txt");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "a secret of this cluster alone\n");
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = SignedJoin.run(new String[] {"-cluster-secret-file=" + secret, a.mgmt().toString(),
                b.mgmt().toString()}, new PrintStream(out), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        TestNode.await("a has b's file", () -> "node-b".equals(a.ownerOf("b.txt")));
    }
}
