package org.dftp.netty.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.LocalScanner;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.Offer;
import org.dftp.core.wire.NodeInfo;
import org.dftp.ftp.ByteBufferSource;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.Transports;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.PublicHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node A serves files that node B owns: both are public HTTP servers in this JVM, A with a store that
 * knows B as a peer and B's files as B's offers.
 */
@Timeout(30)
class RemoteFileProxyTest {
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");

    @TempDir
    Path bDir;
    @TempDir
    Path aDir;

    private EventLoopGroup loops;
    private DfsStore bStore;
    private DfsStore aStore;
    private PublicHttpServer b;
    private PublicHttpServer a;
    private final NodeMetrics aMetrics = new NodeMetrics();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private byte[] big;

    @BeforeEach
    void start() throws Exception {
        big = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(big);
        Files.write(bDir.resolve("big.bin"), big);
        Files.writeString(bDir.resolve("small.txt"), "hello from b\n");
        loops = Transports.newGroup(2);

        LocalRoot bRoot = LocalRoot.of(bDir, DfsPath.ROOT);
        bStore = new DfsStore(ClusterState.initial("dftp", NodeInfo.of("gb", ":0", ":0")));
        bStore.publish(new Event.LocalScanned(new LocalScanner(bRoot, "gb").scan(100).changes(), true, 100)).join();
        b = PublicHttpServer.start(ANY, loops, loops,
                DfsHttpContext.local(() -> bStore.snapshot().tree(), "gb", bRoot));

        aStore = new DfsStore(ClusterState.initial("dftp", NodeInfo.of("ga", ":0", ":0")));
        aStore.publish(new Event.PeerSeen(NodeInfo.of("gb", "127.0.0.1:" + b.port(), "127.0.0.1:1"), 100)).join();
        aStore.publish(new Event.UpdateReceived("gb", true, 100, bStore.snapshot().tree().root().children().stream()
                .map(n -> Change.offer(DfsPath.of(n.name()), Offer.of("gb", 0644, n.size(), 100, 100)))
                .toList())).join();
        aStore.publish(new Event.UpdateReceived("gb", false, 100, List.of(
                Change.offer(DfsPath.of("missing-on-b.bin"), Offer.of("gb", 0644, 10, 100, 100))))).join();
        aStore.publish(new Event.LocalScanned(List.of(
                Change.offer(DfsPath.of("of-ghost.bin"), Offer.of("ghost", 0644, 10, 100, 100))), false, 100)).join();
        RemoteFileProxy proxy = new RemoteFileProxy(ProxyClient.create(loops), new PeerAddresses(aStore::snapshot),
                aMetrics);
        a = PublicHttpServer.start(ANY, loops, loops, new DfsHttpContext(() -> aStore.snapshot().tree(), "ga",
                LocalRoot.of(aDir, DfsPath.ROOT), proxy, aMetrics));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        aStore.close();
        bStore.close();
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + path));
        if (headers.length > 0) {
            r.headers(headers);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void remoteFileStreamsThroughByteIdentical() throws Exception {
        HttpResponse<byte[]> res = get("/fs/big.bin");
        assertEquals(200, res.statusCode());
        assertArrayEquals(big, res.body());
        assertEquals(String.valueOf(big.length), res.headers().firstValue("content-length").orElseThrow());
        // Counted as each write completes on the event loop, which may be just after the client read it.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (aMetrics.bytesServedProxied.sum() < big.length && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(big.length, aMetrics.bytesServedProxied.sum());
    }

    @Test
    void proxiedResponsesAreLoggedWithTheBodyBytesThatWentOut(@TempDir Path logs) throws Exception {
        RemoteFileProxy proxy = new RemoteFileProxy(ProxyClient.create(loops), new PeerAddresses(aStore::snapshot),
                aMetrics);
        try (var accessLog = org.dftp.core.testing.AccessLogFile.in(logs);
             PublicHttpServer logged = PublicHttpServer.start(ANY, loops, loops, new DfsHttpContext(
                     () -> aStore.snapshot().tree(), "ga", LocalRoot.of(aDir, DfsPath.ROOT), proxy, aMetrics), null,
                     org.dftp.netty.NodeConfig.Limits.DEFAULTS, accessLog.log)) {
            String base = "http://127.0.0.1:" + logged.port();
            assertArrayEquals(big, http.send(HttpRequest.newBuilder(URI.create(base + "/fs/big.bin")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body());
            assertEquals(206, http.send(HttpRequest.newBuilder(URI.create(base + "/fs/big.bin"))
                    .header("Range", "bytes=1000-1999").build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());
            List<String> lines = accessLog.awaitTimeless(2);
            assertTrue(lines.get(0).startsWith("127.0.0.1 - - [T] \"GET /fs/big.bin HTTP/1.1\" 200 " + big.length + " "),
                    lines.get(0));
            assertTrue(lines.get(1).startsWith("127.0.0.1 - - [T] \"GET /fs/big.bin HTTP/1.1\" 206 1000 "), lines.get(1));
        }
    }

    @Test
    void rangeAndValidatorsPassThrough() throws Exception {
        HttpResponse<byte[]> res = get("/fs/big.bin", "Range", "bytes=1000-1999");
        assertEquals(206, res.statusCode());
        assertEquals("bytes 1000-1999/" + big.length, res.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(java.util.Arrays.copyOfRange(big, 1000, 2000), res.body());

        String etag = res.headers().firstValue("etag").orElseThrow();
        assertEquals(304, get("/fs/big.bin", "If-None-Match", etag).statusCode());
    }

    @Test
    void headPassesThroughWithoutBody() throws Exception {
        HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port()
                + "/fs/big.bin")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, res.statusCode());
        assertEquals(String.valueOf(big.length), res.headers().firstValue("content-length").orElseThrow());
        assertEquals(0, res.body().length);
    }

    @Test
    void formatTxtIsForwarded() throws Exception {
        HttpResponse<byte[]> res = get("/fs/small.txt?format=txt");
        assertEquals("text/plain; charset=utf-8", res.headers().firstValue("content-type").orElseThrow());
        assertEquals("hello from b\n", new String(res.body(), StandardCharsets.UTF_8));
    }

    @Test
    void ownerSays404() throws Exception {
        assertEquals(404, get("/fs/missing-on-b.bin").statusCode());
    }

    @Test
    void unknownOwnerIs502NamingIt() throws Exception {
        HttpResponse<byte[]> res = get("/fs/of-ghost.bin");
        assertEquals(502, res.statusCode());
        assertTrue(new String(res.body(), StandardCharsets.UTF_8).contains("ghost"));
    }

    @Test
    void tooManyHopsIsRefused() throws Exception {
        HttpResponse<byte[]> res = get("/fs/big.bin?redirN=2");
        assertEquals(502, res.statusCode());
    }

    @Test
    void unreachableOwnerIs502AndNodeGoesOn() throws Exception {
        b.close();
        HttpResponse<byte[]> res = get("/fs/small.txt");
        assertEquals(502, res.statusCode());
        assertTrue(new String(res.body(), StandardCharsets.UTF_8).contains("gb"));
        assertEquals(200, get("/").statusCode());
    }

    @Test
    void anOwnerThatDoesNotAnswerLeavesThisNodesOwnCopyServed() throws Exception {
        // ga holds small.txt too, announced earlier: gb's offer wins, until gb cannot be reached.
        Files.writeString(aDir.resolve("small.txt"), "ga's own copy\n");
        aStore.publish(new Event.LocalScanned(List.of(
                Change.offer(DfsPath.of("small.txt"), Offer.of("ga", 0644, 14, 50, 50))), false, 100)).join();
        assertEquals("gb", aStore.snapshot().tree().lookup(DfsPath.of("small.txt")).owner());
        b.close();
        HttpResponse<byte[]> res = get("/fs/small.txt");
        assertEquals(200, res.statusCode());
        assertEquals("ga's own copy\n", new String(res.body(), StandardCharsets.UTF_8));
        assertEquals(502, get("/fs/big.bin").statusCode(), "a file only gb has still fails");
    }

    /** GETs {@code path} from A while gb is a fake owner that promises 1 MiB, sends 1 KiB and hangs up. */
    private HttpResponse<byte[]> getFromOwnerThatHangsUp(String path) throws Exception {
        try (ServerSocket fake = new ServerSocket(0)) {
            Thread owner = fakeOwner(fake, 1048576, out -> out.write(new byte[1024]));
            try {
                return get(path);
            } finally {
                owner.join();
            }
        }
    }

    private interface OwnerBody {
        void send(OutputStream out) throws IOException;
    }

    /**
     * Makes gb a fake owner on {@code fake}: it answers one request with a {@code Content-Length} of
     * {@code promised}, sends what {@code body} writes, and hangs up; the thread ends then.
     */
    private Thread fakeOwner(ServerSocket fake, long promised, OwnerBody body) throws Exception {
        aStore.publish(new Event.PeerSeen(NodeInfo.of("gb", "127.0.0.1:" + fake.getLocalPort(), "127.0.0.1:1"),
                200)).join();
        Thread owner = new Thread(() -> {
            try (Socket s = fake.accept()) {
                s.getInputStream().read(new byte[4096]);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + promised + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                body.send(out);
                out.flush();
            } catch (IOException e) {
                // the caller sees the outcome
            }
        });
        owner.start();
        return owner;
    }

    @Test
    void aClientLeavingAnArchiveClosesThePeerStream() throws Exception {
        long size = 1L << 30;
        sharedFolder(size);
        try (ServerSocket fake = new ServerSocket(0)) {
            java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
            // An owner that would go on sending for a long while: only a closed connection stops it.
            Thread owner = fakeOwner(fake, size, out -> {
                byte[] piece = new byte[64 * 1024];
                while (sent.get() < size) {
                    out.write(piece);
                    sent.addAndGet(piece.length);
                }
            });
            try (Socket s = new Socket("127.0.0.1", a.port())) {
                s.setReceiveBufferSize(64 * 1024);
                s.getOutputStream().write("GET /fs/shared/?format=zip HTTP/1.1\r\nHost: a\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().readNBytes(1 << 20);
            }
            owner.join(10_000);
            assertTrue(!owner.isAlive(), "the node still reads from the owner for a client that left");
            assertTrue(sent.get() < size / 4, "sent " + sent.get() + " bytes to a node whose client left");
        }
    }

    @Test
    void ownerDyingMidBodyCutsTheClient() throws Exception {
        assertThrows(IOException.class, () -> getFromOwnerThatHangsUp("/fs/big.bin"));
        aStore.publish(new Event.PeerSeen(NodeInfo.of("gb", "127.0.0.1:" + b.port(), "127.0.0.1:1"), 300)).join();
        assertEquals(200, get("/fs/small.txt").statusCode());
    }

    @Test
    void blockingStreamsReadWholeFilesAndTailsFromAnOffset() throws Exception {
        PeerFileStreams streams = new PeerFileStreams(new PeerAddresses(aStore::snapshot));
        try (InputStream in = streams.open("gb", DfsPath.of("big.bin"), 0)) {
            assertArrayEquals(big, in.readAllBytes());
        }
        try (InputStream in = streams.open("gb", DfsPath.of("big.bin"), big.length - 100)) {
            assertArrayEquals(java.util.Arrays.copyOfRange(big, big.length - 100, big.length), in.readAllBytes());
        }
        try (InputStream in = streams.open("gb", DfsPath.of("big.bin"), big.length)) {
            assertEquals(-1, in.read());
        }
        assertThrows(java.io.FileNotFoundException.class, () -> streams.open("gb", DfsPath.of("missing-on-b.bin"), 0));
        assertThrows(IOException.class, () -> streams.open("ghost", DfsPath.of("of-ghost.bin"), 0));
    }

    @Test
    void blockingStreamsLendTheirBuffersToFtp() throws Exception {
        PeerFileStreams streams = new PeerFileStreams(new PeerAddresses(aStore::snapshot));
        for (long offset : new long[] {0, 1_000_003}) {
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            try (InputStream in = streams.open("gb", DfsPath.of("big.bin"), offset)) {
                ByteBufferSource source = (ByteBufferSource) in;
                for (java.nio.ByteBuffer b = source.nextBuffer(); b != null; b = source.nextBuffer()) {
                    assertTrue(b.hasRemaining());
                    byte[] chunk = new byte[b.remaining()];
                    b.get(chunk);
                    got.write(chunk);
                }
                assertEquals(-1, in.read(), "the buffers and the stream are one");
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(big, (int) offset, big.length), got.toByteArray());
        }
        // Buffers lent and left unread are released by close; PARANOID leak detection would tell.
        try (InputStream in = streams.open("gb", DfsPath.of("big.bin"), 0)) {
            assertTrue(((ByteBufferSource) in).nextBuffer().hasRemaining());
        }
        assertEquals(200, get("/fs/small.txt").statusCode());
    }

    @Test
    void blockingStreamClosedEarlyReleasesItsBuffers() throws Exception {
        PeerFileStreams streams = new PeerFileStreams(new PeerAddresses(aStore::snapshot));
        for (int i = 0; i < 20; i++) {
            try (InputStream in = streams.open("gb", DfsPath.of("big.bin"), 0)) {
                assertEquals(big[0] & 0xff, in.read());
            }
        }
        // Leaks would be reported by the PARANOID leak detector; the owner must still serve.
        assertEquals(200, get("/fs/small.txt").statusCode());
    }

    @Test
    void slowClientKeepsTheProxyBounded() throws Exception {
        // Reads nothing: the proxy must stop pulling from the owner once the socket buffers are full.
        byte[] huge = new byte[64 * 1024 * 1024];
        Files.write(bDir.resolve("huge.bin"), huge);
        aStore.publish(new Event.UpdateReceived("gb", false, 100, List.of(
                Change.offer(DfsPath.of("huge.bin"), Offer.of("gb", 0644, huge.length, 100, 100))))).join();
        bStore.publish(new Event.LocalScanned(List.of(
                Change.offer(DfsPath.of("huge.bin"), Offer.of("gb", 0644, huge.length, 100, 100))), false, 100)).join();
        try (Socket s = new Socket("127.0.0.1", a.port())) {
            s.setReceiveBufferSize(64 * 1024);
            s.getOutputStream().write("GET /fs/huge.bin HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(1500);
            long relayed = aMetrics.bytesServedProxied.sum();
            assertTrue(relayed < 16 * 1024 * 1024, "relayed " + relayed + " bytes to a client that reads nothing");
            // Now drain it all: back-pressure must resume, not stall.
            InputStream in = s.getInputStream();
            long total = 0;
            byte[] buf = new byte[1 << 16];
            long headerAndBody = -1;
            StringBuilder head = new StringBuilder();
            while (headerAndBody < 0) {
                int c = in.read();
                head.append((char) c);
                if (head.toString().endsWith("\r\n\r\n")) {
                    headerAndBody = 0;
                }
            }
            while (total < huge.length) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            assertEquals(huge.length, total);
        }
    }

    /**
     * A folder of A's tree whose files lie on B and on A: {@code ?format=zip} from A holds both, B's
     * fetched through the blocking peer client.
     */
    private void sharedFolder(long bigSize) throws Exception {
        Files.createDirectories(bDir.resolve("shared"));
        Files.write(bDir.resolve("shared/x.bin"), big);
        Files.writeString(bDir.resolve("shared/y.txt"), "y from b\n");
        Files.createDirectories(aDir.resolve("shared"));
        Files.writeString(aDir.resolve("shared/mine.txt"), "mine, on a\n");
        List<Change> onB = List.of(
                Change.offer(DfsPath.of("shared"), Offer.of("gb", Offer.MODE_DIR | 0755, 0, 100, 100)),
                Change.offer(DfsPath.of("shared/x.bin"), Offer.of("gb", 0644, bigSize, 100, 100)),
                Change.offer(DfsPath.of("shared/y.txt"), Offer.of("gb", 0644, 9, 100, 100)));
        bStore.publish(new Event.LocalScanned(onB, false, 100)).join();
        aStore.publish(new Event.UpdateReceived("gb", false, 100, onB)).join();
        aStore.publish(new Event.LocalScanned(List.of(
                Change.offer(DfsPath.of("shared/mine.txt"), Offer.of("ga", 0644, 11, 100, 100))), false, 100)).join();
    }

    @Test
    void folderZipHoldsTheFilesOfOtherNodes() throws Exception {
        sharedFolder(big.length);
        HttpResponse<byte[]> res = get("/fs/shared/?format=zip");
        assertEquals(200, res.statusCode());
        java.util.Map<String, byte[]> got = new java.util.TreeMap<>();
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(
                new java.io.ByteArrayInputStream(res.body()))) {
            for (java.util.zip.ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                got.put(e.getName(), zip.readAllBytes());
            }
        }
        assertEquals(List.of("mine.txt", "x.bin", "y.txt"), List.copyOf(got.keySet()));
        assertArrayEquals(big, got.get("x.bin"));
        assertEquals("y from b\n", new String(got.get("y.txt"), StandardCharsets.UTF_8));
        assertEquals("mine, on a\n", new String(got.get("mine.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void ownerDyingMidArchiveBreaksTheDownloadOff() throws Exception {
        sharedFolder(1048576);
        // The owner of x.bin hangs up midway: the JDK client sees the chunked body end without its last chunk.
        assertThrows(IOException.class, () -> getFromOwnerThatHangsUp("/fs/shared/?format=zip"));
    }
}
