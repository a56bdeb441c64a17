package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.dftp.netty.DftpHttp;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.DfsHttpHandler;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding story of issue 2: an application runs a plain Netty server of its own, adds the public
 * handler to its own pipeline, and serves a tree it builds and updates itself. No DftpNode, no store,
 * no scanner: only {@code DfsHttpContext.local}. Then the same through the embedding entry point,
 * {@link DftpHttp}: over the application's tree, or scanning and watching its directory.
 */
@ExtendWith(NettyLeaks.class)
class EmbeddedHandlerTest {
    static final long MTIME = 1795512638L;

    @TempDir
    Path dir;
    final AtomicReference<DfsTree> tree = new AtomicReference<>(DfsTree.EMPTY);
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] big;
    EventLoopGroup group;
    Channel server;

    @BeforeEach
    void applicationWithItsOwnServer() throws Exception {
        Files.writeString(dir.resolve("hello.txt"), "hello, embedder\n");
        big = new byte[300_000];
        new Random(1).nextBytes(big);
        Files.createDirectories(dir.resolve("reports"));
        Files.write(dir.resolve("reports/q1.bin"), big);
        for (Path p : List.of(dir.resolve("hello.txt"), dir.resolve("reports/q1.bin"))) {
            Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(MTIME)));
        }
        // The application's own idea of what it serves: its directory, mounted under /data.
        tree.set(DfsTree.EMPTY.apply(List.of(
                file("data/hello.txt", 16), dir("data/reports"), file("data/reports/q1.bin", big.length))));
        LocalRoot local = LocalRoot.of(dir, DfsPath.of("data"));

        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("codec", new HttpServerCodec());
                        ch.pipeline().addLast("chunked", new ChunkedWriteHandler());
                        ch.pipeline().addLast("dftp", new DfsHttpHandler(DfsHttpContext.local(tree::get, "app", local)));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void embeddedHandlerServesTheApplicationsTree() throws Exception {
        HttpResponse<String> root = get("/fs/");
        assertEquals(200, root.statusCode());
        assertTrue(root.body().contains("<a href=\"data/\">data/</a>"), root.body());

        HttpResponse<String> listing = get("/fs/data/");
        assertTrue(listing.body().contains("<a href=\"../\">../</a>"), listing.body());
        assertTrue(listing.body().contains("<a href=\"hello.txt\">hello.txt</a>"), listing.body());
        assertTrue(listing.body().contains("<td>app\n"), "owned by the application's node name");

        HttpResponse<String> hello = get("/fs/data/hello.txt");
        assertEquals("hello, embedder\n", hello.body());
        assertEquals("text/plain; charset=utf-8", hello.headers().firstValue("content-type").orElseThrow());

        HttpResponse<byte[]> report = client.send(request("/fs/data/reports/q1.bin").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(big, report.body());

        HttpResponse<byte[]> part = client.send(request("/fs/data/reports/q1.bin").header("Range", "bytes=-10").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(big, big.length - 10, big.length), part.body());

        assertEquals("/data\n/data/hello.txt\n/data/reports\n/data/reports/q1.bin\n", get("/find/").body());
        assertEquals("/data/reports/q1.bin\n", get("/find/?q=*.bin").body());
        assertEquals(404, get("/fs/data/nope.txt").statusCode());
        assertEquals(302, get("/fs/data").statusCode());

        JsonNode rows = new ObjectMapper().readTree(get("/fs/data/?format=json").body());
        assertEquals("reports", rows.get(0).get("name").asText());
        assertEquals("hello.txt", rows.get(1).get("name").asText());
    }

    @Test
    void treeTheApplicationUpdatesIsServedFromTheNextRequestOn() throws Exception {
        assertEquals(404, get("/fs/data/later.txt").statusCode());
        Files.writeString(dir.resolve("later.txt"), "added later\n");
        tree.set(tree.get().apply(List.of(file("data/later.txt", 12))));
        assertEquals("added later\n", get("/fs/data/later.txt").body());

        tree.set(tree.get().apply(List.of(Change.withdraw(DfsPath.of("data/hello.txt"), "app"))));
        assertEquals(404, get("/fs/data/hello.txt").statusCode(), "withdrawn from the tree, though still on disk");
    }

    @Test
    void pathsOutsideTheMountAreNotServedFromDisk() throws Exception {
        // An entry the application announces outside its mount has no local file behind it.
        tree.set(tree.get().apply(List.of(file("elsewhere/hello.txt", 16))));
        assertEquals(404, get("/fs/elsewhere/hello.txt").statusCode());
        assertEquals(400, get("/fs/data/%2e%2e/hello.txt").statusCode());
    }

    @Test
    void builderOverTheApplicationsTreeRunsTheNodesOwnPipeline() throws Exception {
        NodeMetrics metrics = new NodeMetrics();
        try (DftpHttp dftp = DftpHttp.builder().root(dir).mount("data").nodeName("app").tree(tree::get)
                .metrics(metrics).build()) {
            Channel other = bind(dftp.initializer());
            try {
                server.close().syncUninterruptibly();
                server = other;
                assertEquals("hello, embedder\n", get("/fs/data/hello.txt").body());
                assertTrue(get("/fs/data/").body().contains("<td>app\n"), "owned by the application's node name");
                // The public port's pipeline, not a hand-made one: its listing compressor.
                HttpResponse<byte[]> gz = client.send(request("/fs/data/").header("Accept-Encoding", "gzip").build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals("gzip", gz.headers().firstValue("content-encoding").orElse(null));
                tree.set(tree.get().apply(List.of(Change.withdraw(DfsPath.of("data/hello.txt"), "app"))));
                assertEquals(404, get("/fs/data/hello.txt").statusCode(), "the application's tree, read per request");
                assertEquals(3L, metrics.responsesByStatus().get(200), metrics.responsesByStatus().toString());
                assertSame(metrics, dftp.metrics());
            } finally {
                other.close().syncUninterruptibly();
            }
        }
    }

    @Test
    void builderScansTheRootAndFollowsIt() throws Exception {
        java.util.Set<Thread> before = watchers();
        DftpHttp dftp = DftpHttp.builder().root(dir).mount("data").build();
        java.util.Set<Thread> started = watchers();
        started.removeAll(before);
        assertEquals(1, started.size(), "one watcher thread");
        try {
            server.close().syncUninterruptibly();
            server = bind(dftp.initializer());
            HttpResponse<byte[]> report = client.send(request("/fs/data/reports/q1.bin").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(big, report.body());
            assertTrue(get("/fs/data/").body().contains("<td>local\n"), "the default node name");

            Files.writeString(dir.resolve("reports/later.txt"), "seen by the watcher\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (get("/fs/data/reports/later.txt").statusCode() == 404 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals("seen by the watcher\n", get("/fs/data/reports/later.txt").body());
        } finally {
            dftp.close();
        }
        Thread watcher = started.iterator().next();
        watcher.join(5000);
        assertFalse(watcher.isAlive(), "close() stops the watcher");
    }

    @Test
    void builderWantsARoot() {
        assertThrows(IllegalStateException.class, () -> DftpHttp.builder().mount("data").build());
        assertThrows(java.io.IOException.class, () -> DftpHttp.builder().root(dir.resolve("missing")).build());
    }

    private static java.util.Set<Thread> watchers() {
        java.util.Set<Thread> out = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().equals("dftp-watcher")) {
                out.add(t);
            }
        }
        return out;
    }

    private Channel bind(ChannelInitializer<Channel> init) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(init)
                .bind("127.0.0.1", 0).sync().channel();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private static Change file(String path, long size) {
        return Change.offer(DfsPath.of(path), Offer.of("app", 0644, size, MTIME, MTIME));
    }

    private static Change dir(String path) {
        return Change.offer(DfsPath.of(path), Offer.of("app", Offer.MODE_DIR | 0755, 0, MTIME, MTIME));
    }
}
