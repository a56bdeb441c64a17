package org.dftp.netty.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.LocalScanner;
import org.dftp.core.tree.Change;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.Transports;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.PublicHttpServer;
import org.dftp.netty.testing.RawClient;
import org.dftp.netty.testing.RawResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The traversal corpus (the hostile-input suite, docs/RELIABILITY.md) against two started nodes in this JVM,
 * over real sockets: node A serves its own files and proxies node B's. A secret is planted just outside
 * each dfsroot; whatever the request target, through A, through the hop to B, or straight to B as if
 * forwarded ({@code redirN=1}), its content never comes back, and the answer is a clear {@code 400},
 * {@code 404} or {@code 414}. {@code BadInputTest} runs a similar corpus on one node's pipeline in an
 * {@code EmbeddedChannel}; this one goes through the accept loop, the proxy client and the peer's server.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.dftp.netty.testing.NettyLeaks.class)
@Timeout(60)
class TraversalTest {
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");
    private static final String SECRET = "TOP-SECRET-outside-the-dfsroot";

    @TempDir
    Path tmp;
    private EventLoopGroup loops;
    private DfsStore aStore;
    private DfsStore bStore;
    private PublicHttpServer a;
    private PublicHttpServer b;

    @BeforeEach
    void twoNodes() throws Exception {
        Path aRoot = Files.createDirectories(tmp.resolve("a/root"));
        Path bRoot = Files.createDirectories(tmp.resolve("b/root"));
        for (Path node : List.of(tmp.resolve("a"), tmp.resolve("b"))) {
            Files.writeString(node.resolve("secret.txt"), SECRET);
            Files.writeString(node.resolve("root.secret.txt"), SECRET);
        }
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.writeString(aRoot.resolve("a.txt"), "file of a\n");
        Files.createDirectories(bRoot.resolve("sub"));
        Files.writeString(bRoot.resolve("sub/b.txt"), "file of b\n");
        Files.writeString(bRoot.resolve("%2e%2e"), "a file named %2e%2e\n");
        Files.writeString(bRoot.resolve("..%2fsecret.txt"), "a file named ..%2fsecret.txt\n");
        loops = Transports.newGroup(2);

        LocalRoot bLocal = LocalRoot.of(bRoot, DfsPath.ROOT);
        bStore = new DfsStore(ClusterState.initial("dftp", NodeInfo.of("gb", ":0", ":0")));
        List<Change> bFiles = new LocalScanner(bLocal, "gb").scan(100).changes();
        bStore.publish(new Event.LocalScanned(bFiles, true, 100)).join();
        b = PublicHttpServer.start(ANY, loops, loops, DfsHttpContext.local(() -> bStore.snapshot().tree(), "gb", bLocal));

        LocalRoot aLocal = LocalRoot.of(aRoot, DfsPath.ROOT);
        aStore = new DfsStore(ClusterState.initial("dftp", NodeInfo.of("ga", ":0", ":0")));
        aStore.publish(new Event.LocalScanned(new LocalScanner(aLocal, "ga").scan(100).changes(), true, 100)).join();
        aStore.publish(new Event.PeerSeen(NodeInfo.of("gb", "127.0.0.1:" + b.port(), "127.0.0.1:1"), 100)).join();
        aStore.publish(new Event.UpdateReceived("gb", true, 100, bFiles)).join();
        NodeMetrics metrics = new NodeMetrics();
        RemoteFileProxy proxy = new RemoteFileProxy(ProxyClient.create(loops), new PeerAddresses(aStore::snapshot), metrics);
        a = PublicHttpServer.start(ANY, loops, loops, new DfsHttpContext(() -> aStore.snapshot().tree(), "ga", aLocal,
                proxy, metrics));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        aStore.close();
        bStore.close();
    }

    static Stream<String> corpus() {
        List<String> c = new ArrayList<>(List.of(
                "/fs/../secret.txt",
                "/fs/../../etc/passwd",
                "/fs/../../../../../../../../../../etc/passwd",
                "/fs/sub/../../secret.txt",
                "/fs/sub/../../../secret.txt",
                "/fs/%2e%2e/secret.txt",
                "/fs/%2e%2e%2fsecret.txt",
                "/fs/%2E%2E%2Fsecret.txt",
                "/fs/%2e%2E/%2E%2e/secret.txt",
                "/fs/.%2e/secret.txt",
                "/fs/%2e./secret.txt",
                "/fs/sub%2f..%2f..%2fsecret.txt",
                "/fs/..%5csecret.txt",
                "/fs/..%5c..%5csecret.txt",
                "/fs/..\\secret.txt",
                "/fs/sub\\..\\..\\secret.txt",
                "/fs/%252e%252e/secret.txt",
                "/fs/%252e%252e%252fsecret.txt",
                "/fs/%25%32%65%25%32%65/secret.txt",
                "/fs/%c0%ae%c0%ae/secret.txt",
                "/fs/%c0%ae%c0%ae%c0%afsecret.txt",
                "/fs/%e0%80%ae%e0%80%ae/secret.txt",
                "/fs/%f0%80%80%ae%f0%80%80%ae/secret.txt",
                "/fs/%c1%9c..%c1%9csecret.txt",
                "/fs/%00",
                "/fs/%00/../secret.txt",
                "/fs/secret.txt%00",
                "/fs/sub/b.txt%00../../secret.txt",
                "/fs/%0a/../secret.txt",
                "//fs/../secret.txt",
                "/fs//../secret.txt",
                "/fs///..//..//secret.txt",
                "//../secret.txt",
                "/../secret.txt",
                "/fs/./../secret.txt",
                "/fs/sub/./../../secret.txt",
                "/fs/..;/secret.txt",
                "/fs/..?/secret.txt",
                "/fs/..#/../secret.txt",
                "/fs/../secret.txt?format=txt",
                "/fs/sub/b.txt/../../../secret.txt",
                "/fs/../root.secret.txt",
                "/find/?prefix=..",
                "/find/?prefix=../..",
                "/find/?prefix=%2e%2e",
                "/find/?prefix=/sub/../..",
                "http://node/fs/../secret.txt",
                "http://node/fs/%2e%2e/secret.txt",
                "http://node/../secret.txt",
                "http://node:80/fs/sub/%2e%2e/%2e%2e/secret.txt",
                "http://../../secret.txt",
                "HTTP://node/fs/..%2fsecret.txt",
                "../secret.txt",
                "fs/../secret.txt",
                "*"));
        c.add("/fs/" + "../".repeat(2000) + "secret.txt"); // over the request line limit
        c.add("/fs/" + "%2e%2e/".repeat(1100) + "secret.txt");
        c.add("/fs/" + "a/".repeat(2100) + "../".repeat(100) + "secret.txt");
        c.add("/fs/" + "sub/".repeat(1030) + "b.txt");
        c.add("/fs/" + "x".repeat(300) + "/../../secret.txt");
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void throughTheNodeNothingFromOutsideTheRootIsServed(String target) throws IOException {
        assertRefused(a.port(), target);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void straightToThePeerAsIfForwardedNothingFromOutsideItsRootIsServed(String target) throws IOException {
        String forwarded = target.contains("?") ? target + "&redirN=1" : target + "?redirN=1";
        assertRefused(b.port(), forwarded);
    }

    @Test
    void theHopServesThePeersFilesAndDecodesANameOnlyOnce() throws IOException {
        assertEquals("file of b\n", get(a.port(), "/fs/sub/b.txt").text());
        assertEquals("file of a\n", get(a.port(), "/fs/a.txt").text());
        // Names that look encoded are names: A decodes %252e once to %2e, and forwards it encoded again.
        assertEquals("a file named %2e%2e\n", get(a.port(), "/fs/%252e%252e").text());
        assertEquals("a file named ..%2fsecret.txt\n", get(a.port(), "/fs/..%252fsecret.txt").text());
    }

    private static RawResponse get(int port, String target) throws IOException {
        try (RawClient c = new RawClient(port, 0, 10_000)) {
            c.request("GET", target);
            RawResponse res = c.read("GET");
            assertNotNull(res);
            assertEquals(200, res.status(), target + ": " + res.text());
            return res;
        }
    }

    private static void assertRefused(int port, String target) throws IOException {
        for (String method : List.of("GET", "HEAD")) {
            try (RawClient c = new RawClient(port, 0, 10_000)) {
                c.request(method, target);
                RawResponse res = c.read(method);
                assertNotNull(res, method + " " + target + ": no answer");
                assertTrue(res.status() == 400 || res.status() == 404 || res.status() == 414,
                        method + " " + target + " -> " + res.status() + " " + res.text());
                String body = res.text();
                assertFalse(body.contains(SECRET), body);
                assertFalse(body.contains("root:x:0:0"), body);
                assertFalse(body.contains("file of b"), "another file served for " + target);
                if (res.status() != 414) {
                    assertEquals("text/plain; charset=utf-8", res.header("Content-Type"));
                }
            }
        }
    }
}
