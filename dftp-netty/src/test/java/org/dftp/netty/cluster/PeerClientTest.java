package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.dftp.core.wire.ClusterInfo;
import org.dftp.core.wire.GoCaptures;
import org.dftp.core.wire.UpdateParser;
import org.dftp.core.wire.UpdateWriter;
import org.dftp.netty.HostPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/** What the client puts on the wire, compared with the captures of the original, against a recording server. */
class PeerClientTest {
    private static final long T = 1795512651L;
    private static LoopResources loops;
    private static PeerClient client;

    /** One request as the recording server saw it. */
    record Seen(String method, String uri, io.netty.handler.codec.http.HttpHeaders headers, byte[] body, int chunks) {
    }

    @BeforeAll
    static void startClient() {
        loops = LoopResources.create("test-client", 1, 1, true);
        client = new PeerClient(loops, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopClient() {
        client.close();
        loops.disposeLater().block(Duration.ofSeconds(5));
    }

    /** A server that records the request and answers {@code status} with {@code answer}. */
    private static DisposableServer recorder(AtomicReference<Seen> seen, int status, byte[] answer) {
        return HttpServer.create().host("127.0.0.1").port(0).handle((req, res) -> {
            AtomicInteger chunks = new AtomicInteger();
            return req.receive()
                    .map(buf -> {
                        chunks.incrementAndGet();
                        return ByteBufUtil.getBytes(buf);
                    })
                    .collect(ByteArrayOutputStream::new, (out, b) -> out.write(b, 0, b.length))
                    .flatMap(out -> {
                        seen.set(new Seen(req.method().name(), req.uri(), req.requestHeaders().copy(), out.toByteArray(),
                                chunks.get()));
                        return res.status(status).sendByteArray(Mono.just(answer)).then();
                    });
        }).bindNow();
    }

    private static HostPort addr(DisposableServer s) {
        return new HostPort("127.0.0.1", ((InetSocketAddress) s.address()).getPort());
    }

    @Test
    void aGreetingIsTheCapturedRequestFieldForField() {
        AtomicReference<Seen> seen = new AtomicReference<>();
        DisposableServer server = recorder(seen, 200, GoCaptures.bytes("cluster-info.json"));
        try {
            Greeting g = new Greeting("gb", HostPort.parse("127.0.0.1:7050"), HostPort.parse("127.0.0.1:7051"), true);
            ClusterInfo answer = client.greet(addr(server), g).block(Duration.ofSeconds(10));
            assertEquals("gb", answer.me().name());
            assertEquals("127.0.0.1:7041", answer.peers().get("ga").mgmtAddr());

            GoCaptures.Request go = GoCaptures.request("greeting-request.txt");
            Seen ours = seen.get();
            assertEquals(go.method(), ours.method());
            assertEquals(go.path(), ours.uri());
            assertEquals(go.headers().get("content-type"), ours.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertEquals(go.headers().get("content-length"), ours.headers().get(HttpHeaderNames.CONTENT_LENGTH));
            assertArrayEquals(go.body(), ours.body());
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void aPingAsksForNothing() {
        AtomicReference<Seen> seen = new AtomicReference<>();
        DisposableServer server = recorder(seen, 200, GoCaptures.bytes("cluster-info.json"));
        try {
            Greeting g = new Greeting("gb", HostPort.parse(":7050"), HostPort.parse(":7051"), true);
            client.ping(addr(server), g).block(Duration.ofSeconds(10));
            assertEquals("mgmt-addr=%3A7051&name=gb&public-addr=%3A7050", new String(seen.get().body()));
            client.getCluster(addr(server)).block(Duration.ofSeconds(10));
            assertEquals("GET", seen.get().method());
            assertEquals("/cluster/", seen.get().uri());
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void aFullUpdatePushIsTheCapturedRequestFieldForField() {
        AtomicReference<Seen> seen = new AtomicReference<>();
        DisposableServer server = recorder(seen, 200, "ok\n".getBytes());
        try {
            DfsTree tree = DfsTree.EMPTY.apply(List.of(
                    Change.offer(DfsPath.of("bigb1g.bin"), Offer.of("gb", 0644, 1073741824L, 1795512638L, T)),
                    Change.offer(DfsPath.of("somedir"), Offer.of("gb", Offer.MODE_DIR | 0755, 0, 1795512638L, T)),
                    Change.offer(DfsPath.of("somedir/c.jpg"), Offer.of("gb", 0644, 2, 1795512638L, T))));
            client.pushUpdate(addr(server), () -> UpdateWriter.full(tree, "gb", T)).block(Duration.ofSeconds(10));

            GoCaptures.Request go = GoCaptures.request("full-update-request.txt");
            Seen ours = seen.get();
            assertEquals(go.method(), ours.method());
            assertEquals(go.path(), ours.uri());
            assertEquals(go.headers().get("content-type"), ours.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertArrayEquals(go.body(), ours.body());
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void aBigPushIsStreamedInChunksAndParsesOnTheOtherSide() {
        AtomicReference<Seen> seen = new AtomicReference<>();
        DisposableServer server = recorder(seen, 200, "ok\n".getBytes());
        try {
            List<Change> changes = new ArrayList<>();
            for (int d = 0; d < 100; d++) {
                for (int f = 0; f < 500; f++) {
                    changes.add(Change.offer(DfsPath.of("d" + d + "/file-" + f + ".dat"), Offer.of("me", 0644, f, 1, 2)));
                }
            }
            DfsTree tree = DfsTree.EMPTY.apply(changes);
            client.pushUpdate(addr(server), () -> UpdateWriter.full(tree, "me", 3)).block(Duration.ofSeconds(30));
            Seen ours = seen.get();
            assertEquals("chunked", ours.headers().get(HttpHeaderNames.TRANSFER_ENCODING));
            assertTrue(ours.chunks() > 10, "streamed in many chunks: " + ours.chunks());
            UpdateParser p = new UpdateParser();
            p.feed(ours.body(), 0, ours.body().length);
            assertEquals(50_000, p.finish().changes().size()); // the directories exist only through their files
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void errorStatusesAndDeadPeersArePeerExceptions() throws java.io.IOException {
        AtomicReference<Seen> seen = new AtomicReference<>();
        DisposableServer server = recorder(seen, 400, "name, public-addr and mgmt-addr are required parameters\n".getBytes());
        HostPort dead;
        try {
            Greeting g = new Greeting("x", HostPort.parse(":1"), HostPort.parse(":2"), false);
            PeerException e = assertThrows(PeerException.class, () -> client.greet(addr(server), g).block());
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("HTTP status 400 (name, public-addr and mgmt-addr are required parameters)"),
                    e.getMessage());
        } finally {
            server.disposeNow();
        }
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = new HostPort("127.0.0.1", s.getLocalPort()); // closed again: nobody listens there
        }
        PeerException e = assertThrows(PeerException.class, () -> client.getCluster(dead).block());
        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains(dead.toString()), e.getMessage());
    }

    @Test
    void chunksAreAsAskedAndAllReleasedByTheirConsumer() {
        DfsTree tree = DfsTree.EMPTY.apply(List.of(Change.offer(DfsPath.of("a"), Offer.of("me", 0644, 1, 1, 1))));
        List<ByteBuf> bufs = PeerClient.chunks(() -> UpdateWriter.full(tree, "me", 1), UnpooledByteBufAllocator.DEFAULT, 1)
                .collectList().block();
        assertTrue(bufs.size() >= 2);
        StringBuilder all = new StringBuilder();
        for (ByteBuf b : bufs) {
            all.append(b.toString(java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(b.release());
        }
        assertTrue(all.toString().startsWith("{\"Files\":[{\"FullName\":\"a\""));
    }
}
