package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.RawClient;
import org.dftp.netty.testing.RawResponse;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other body branch: with a handler that must see the bytes (here compression, as TLS would), files
 * go out as chunks read from the file instead of a FileRegion. An embedder's pipeline of its own.
 */
@ExtendWith(NettyLeaks.class)
class ChunkedBodyTest {
    static final byte[] DATA = FileResponseTest.random(12 << 20, 5);

    @TempDir
    Path root;
    DfsTree tree;
    EventLoopGroup group;
    Channel server;

    @BeforeEach
    void serverWithCompression() throws Exception {
        Files.write(root.resolve("data.bin"), DATA);
        Files.writeString(root.resolve("test.txt"), "Hello from dftp ga!\n");
        tree = Trees.fromDisk(root, "ga");
        DfsHttpContext context = DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpContentCompressor(),
                                new ChunkedWriteHandler(), new DfsHttpHandler(context));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        // Bounded: a loop that spins never terminates, and must fail the test, not hang the build.
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void largeFileThroughACompressorArrivesWhole() throws Exception {
        try (RawClient c = new RawClient(port())) {
            RawResponse res = c.request("GET", "/fs/data.bin", "Accept-Encoding: gzip").read("GET");
            assertEquals(200, res.status());
            assertEquals("gzip", res.header("Content-Encoding"));
            assertArrayEquals(DATA, new GZIPInputStream(new ByteArrayInputStream(res.body())).readAllBytes());
            RawResponse range = c.request("GET", "/fs/data.bin", "Range: bytes=100-199").read("GET");
            assertEquals(206, range.status());
            assertArrayEquals(java.util.Arrays.copyOfRange(DATA, 100, 200), range.body());
        }
    }

    @Test
    void fileThatShrinksWhileChunkedEndsWithACloseInsteadOfSpinning() throws Exception {
        Path data = root.resolve("data.bin");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            long received = 0;
            try (RawClient slow = new RawClient(port(), 16 * 1024, 10_000)) {
                RawResponse head = slow.request("GET", "/fs/data.bin").readHead();
                assertEquals(200, head.status());
                InputStream in = slow.input();
                byte[] buf = new byte[16 * 1024];
                while (received < (1 << 20)) {
                    int n = in.read(buf);
                    assertTrue(n > 0);
                    received += n;
                }
                try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
                    ch.truncate(512 << 10);
                }
                try {
                    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                        received += n;
                    }
                } catch (java.net.SocketException e) {
                    // reset: the server gave up, as it should
                }
            }
            assertTrue(received < DATA.length, "ended early: " + received);
            try (RawClient next = new RawClient(port())) {
                assertEquals(200, next.request("GET", "/fs/test.txt").read("GET").status(), "the loop is free");
            }
        });
    }

    private int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }
}
