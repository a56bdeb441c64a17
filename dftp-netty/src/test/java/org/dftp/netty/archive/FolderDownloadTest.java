package org.dftp.netty.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.PublicHttpInitializer;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.RawClient;
import org.dftp.netty.testing.RawResponse;
import org.dftp.netty.testing.TestServer;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ?format=zip} and {@code ?format=tar} of a folder of local files, on a real server: read back
 * with the JDK's {@code ZipInputStream} and Commons Compress's tar reader, headers, HEAD, 404, a file
 * that vanishes midway, a slow reader that must not make the node buffer, and ZIP64.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(120)
class FolderDownloadTest {
    private static final String LONG_NAME = "a-name-longer-than-the-hundred-bytes-of-a-plain-tar-header-"
            + "so-it-needs-a-pax-record-to-survive-whole.txt";

    @TempDir
    Path root;
    DfsTree tree;
    DfsHttpContext context;
    TestServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void files() throws IOException {
        Path top = root.resolve("top");
        Files.createDirectories(top.resolve("nested/deeper"));
        Files.createDirectories(top.resolve("empty"));
        Files.writeString(top.resolve("hello.txt"), "hello\n");
        Files.write(top.resolve("nested/deeper/random.bin"), FileBytes.random(300_000, 3));
        Files.writeString(top.resolve("nested/é ü ✓.txt"), "utf-8 name\n");
        Files.writeString(top.resolve("nested/" + LONG_NAME), "long name\n");
        Files.writeString(root.resolve("outside.txt"), "not in the archive\n");
        Files.setLastModifiedTime(top.resolve("hello.txt"), java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L));
        rescan();
    }

    private void rescan() throws IOException {
        tree = Trees.fromDisk(root, "ga");
    }

    private void start() throws Exception {
        context = DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT));
        server = TestServer.start(TestServer.Transport.NIO, context);
    }

    /** Waits for a counter that the event loop adds to as each write completes, which may be just after the client read it. */
    private static void awaitCount(long expected, java.util.concurrent.atomic.LongAdder counter) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (counter.sum() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, counter.sum());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** What the folder {@code top} holds on disk: entry name to bytes, directories with a trailing slash. */
    private Map<String, byte[]> expected() throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        Path top = root.resolve("top");
        try (var all = Files.walk(top)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(top)) {
                    continue;
                }
                String name = top.relativize(p).toString();
                m.put(Files.isDirectory(p) ? name + "/" : name, Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
            }
        }
        return m;
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@code /fs/top/} as {@code format}, checked to come whole with the headers of a download. */
    private HttpResponse<byte[]> archive(String format, String type) throws Exception {
        HttpResponse<byte[]> res = get("/fs/top/?format=" + format);
        assertEquals(200, res.statusCode());
        assertEquals(type, res.headers().firstValue("content-type").orElseThrow());
        assertEquals("attachment; filename=\"top." + format + "\"",
                res.headers().firstValue("content-disposition").orElseThrow());
        assertFalse(res.headers().firstValue("content-length").isPresent());
        return res;
    }

    @Test
    void zipOfAFolderHoldsEveryFileAndDirectoryByteForByte() throws Exception {
        start();
        HttpResponse<byte[]> res = archive("zip", "application/zip");
        Map<String, byte[]> got = new TreeMap<>();
        long helloTime = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(res.body()), StandardCharsets.UTF_8)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                assertFalse(e.getName().startsWith("/") || e.getName().contains(".."), e.getName());
                got.put(e.getName(), zip.readAllBytes());
                if (e.getName().equals("hello.txt")) {
                    helloTime = e.getLastModifiedTime().toMillis();
                }
            }
        }
        assertSame(expected(), got);
        assertEquals(1_600_000_000_000L, helloTime);
        awaitCount(res.body().length, context.metrics().bytesServedArchives);
        // The central directory is there too: the archive is whole.
        Path saved = root.resolveSibling(root.getFileName() + ".zip");
        Files.write(saved, res.body());
        try (ZipFile whole = new ZipFile(saved.toFile(), StandardCharsets.UTF_8)) {
            assertEquals(expected().size(), whole.size());
        } finally {
            Files.delete(saved);
        }
    }

    @Test
    void tarOfAFolderKeepsLongAndUtf8NamesAndEmptyDirectories() throws Exception {
        start();
        HttpResponse<byte[]> res = archive("tar", "application/x-tar");
        Map<String, byte[]> got = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(res.body()), "UTF-8")) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                got.put(e.getName(), tar.readAllBytes());
                if (e.getName().equals("hello.txt")) {
                    assertEquals(1_600_000_000_000L, e.getModTime().getTime());
                }
            }
        }
        assertTrue(got.containsKey("nested/" + LONG_NAME));
        assertTrue(got.containsKey("empty/"));
        assertSame(expected(), got);
    }

    @Test
    void rootFolderAndNonAsciiFolderGetSensibleFileNames() throws Exception {
        Files.createDirectories(root.resolve("Ünïcode dir"));
        Files.writeString(root.resolve("Ünïcode dir/x.txt"), "x\n");
        rescan();
        start();
        HttpResponse<byte[]> all = get("/fs/?format=tar");
        assertEquals("attachment; filename=\"dfs.tar\"", all.headers().firstValue("content-disposition").orElseThrow());
        HttpResponse<byte[]> res = get("/fs/%C3%9Cn%C3%AFcode%20dir/?format=zip");
        assertEquals(200, res.statusCode());
        assertEquals("attachment; filename=\"_n_code dir.zip\"; filename*=UTF-8''%C3%9Cn%C3%AFcode%20dir.zip",
                res.headers().firstValue("content-disposition").orElseThrow());
    }

    @Test
    void headAnswersTheHeadersOnlyAndMissingFolderIs404() throws Exception {
        start();
        try (RawClient c = new RawClient(server.port())) {
            RawResponse head = c.request("HEAD", "/fs/top/?format=zip").read("HEAD");
            assertEquals(200, head.status());
            assertEquals("application/zip", head.header("content-type"));
            assertEquals("chunked", head.header("transfer-encoding"));
            assertEquals(0, head.body().length);
            // The connection serves on, and a missing folder is 404.
            RawResponse missing = c.request("GET", "/fs/no-such-dir/?format=zip").read("GET");
            assertEquals(404, missing.status());
            RawResponse whole = c.request("GET", "/fs/top/?format=tar").read("GET");
            assertEquals(200, whole.status());
        }
    }

    @Test
    void http10GetsTheArchiveEndedByTheClose() throws Exception {
        start();
        try (RawClient c = new RawClient(server.port())) {
            c.send("GET /fs/top/?format=zip HTTP/1.0\r\n\r\n");
            RawResponse res = c.read("GET");
            assertEquals(200, res.status());
            assertEquals(null, res.header("transfer-encoding"));
            assertTrue(c.closedByServer());
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(res.body()), StandardCharsets.UTF_8)) {
                int n = 0;
                while (zip.getNextEntry() != null) {
                    n++;
                }
                assertEquals(expected().size(), n);
            }
        }
    }

    @Test
    void aFileDeletedMidwayBreaksTheDownloadOff() throws Exception {
        // "a-big.bin" goes first; "b-late.txt" is deleted while the client holds the archive back.
        Path dir = root.resolve("midway");
        Files.createDirectories(dir);
        sparse(dir.resolve("a-big.bin"), 64L << 20);
        Files.writeString(dir.resolve("b-late.txt"), "gone before its turn\n");
        rescan();
        start();
        for (String format : new String[] {"zip", "tar"}) {
            Files.writeString(dir.resolve("b-late.txt"), "gone before its turn\n");
            try (Socket s = slowSocket()) {
                s.getOutputStream().write(("GET /fs/midway/?format=" + format + " HTTP/1.1\r\nHost: t\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                String head = Chunks.head(in);
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                Chunks body = Chunks.read(in, 1 << 20, () -> Files.delete(dir.resolve("b-late.txt")));
                assertFalse(body.terminated(), "a " + format + " with a file missing must not end as if whole");
                assertNotAWholeArchive(format, body.body());
            }
        }
        awaitCount(2, context.metrics().archivesBroken);
    }

    @Test
    void aFileThatShrinksMidwayBreaksTheDownloadOff() throws Exception {
        Path dir = root.resolve("shrinking");
        Files.createDirectories(dir);
        Path big = dir.resolve("big.bin");
        sparse(big, 64L << 20);
        rescan();
        start();
        try (Socket s = slowSocket()) {
            s.getOutputStream().write("GET /fs/shrinking/?format=tar HTTP/1.1\r\nHost: t\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertTrue(Chunks.head(in).startsWith("HTTP/1.1 200"));
            Chunks body = Chunks.read(in, 1 << 20, () -> {
                try (var f = new RandomAccessFile(big.toFile(), "rw")) {
                    f.setLength(8L << 20); // the tree still says 64 MiB
                }
            });
            assertFalse(body.terminated(), "a tar whose file shrank must not end as if whole");
            assertTrue(body.body().length < (64L << 20), "more bytes than the file still has");
            assertNotAWholeArchive("tar", body.body());
        }
        awaitCount(1, context.metrics().archivesBroken);
    }

    /** A client whose socket takes little at a time. */
    private Socket slowSocket() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(64 * 1024);
        s.setSoTimeout(20_000);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        return s;
    }

    static void assertNotAWholeArchive(String format, byte[] partial) throws IOException {
        if (format.equals("zip")) {
            Path f = Files.createTempFile("partial", ".zip");
            try {
                Files.write(f, partial);
                assertThrows(ZipException.class, () -> new ZipFile(f.toFile()).close());
            } finally {
                Files.delete(f);
            }
        } else {
            // The bytes stop inside an entry (the worker's last piece is dropped with the abort): a reader fails.
            assertThrows(IOException.class, () -> {
                try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(partial))) {
                    while (tar.getNextEntry() != null) {
                        tar.readAllBytes();
                    }
                }
            });
        }
    }

    private static void sparse(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            f.seek(size - 5);
            f.write("!end!".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void anonymousReadOffAsksForCredentialsForArchivesToo() throws Exception {
        Path users = root.resolveSibling(root.getFileName() + ".users");
        Files.writeString(users, "alice:" + org.dftp.core.auth.PasswordHash.hash("secret".toCharArray(),
                org.dftp.core.auth.PasswordHash.MIN_ITERATIONS) + ":write\n");
        org.dftp.netty.http.Access closed = new org.dftp.netty.http.Access(org.dftp.core.auth.Users.load(users), false,
                new org.dftp.core.auth.LoginThrottle(), a -> false, Runnable::run);
        Files.delete(users);
        server = TestServer.start(TestServer.Transport.NIO, new DfsHttpContext(() -> tree, "ga",
                LocalRoot.of(root, DfsPath.ROOT), org.dftp.netty.http.RemoteFiles.NONE,
                new org.dftp.netty.NodeMetrics(), closed, null));
        assertEquals(401, get("/fs/top/?format=zip").statusCode());
        assertEquals(401, get("/fs/top/?format=tar").statusCode());
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> allowed = client.send(HttpRequest.newBuilder(server.uri("/fs/top/?format=zip"))
                .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, allowed.statusCode());
        assertEquals("application/zip", allowed.headers().firstValue("content-type").orElseThrow());
    }

    /** A folder of four 50 MB sparse files, more than any socket buffers hold. */
    private void bigFolder() throws IOException {
        Path dir = root.resolve("big");
        Files.createDirectories(dir);
        for (int i = 0; i < 4; i++) {
            sparse(dir.resolve("part" + i + ".bin"), 50_000_000L);
        }
        rescan();
    }

    @Test
    void aClientThatGoesAwayStopsTheWorker() throws Exception {
        bigFolder();
        start();
        try (Socket s = slowSocket()) {
            s.getOutputStream().write("GET /fs/big/?format=tar HTTP/1.1\r\nHost: t\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readNBytes(1 << 20);
            assertEquals(1, ArchiveResponder.active());
        }
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (ArchiveResponder.active() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, ArchiveResponder.active(), "the worker goes on for a client that left");
    }

    @Test
    void archivesBeyondTheLimitAre503() throws Exception {
        bigFolder();
        start();
        java.util.List<Socket> holding = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < ArchiveResponder.MAX_ARCHIVES; i++) {
                Socket s = slowSocket();
                holding.add(s);
                s.getOutputStream().write("GET /fs/big/?format=zip HTTP/1.1\r\nHost: t\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertTrue(Chunks.head(s.getInputStream()).startsWith("HTTP/1.1 200"));
            }
            assertEquals(503, get("/fs/big/?format=zip").statusCode());
        } finally {
            for (Socket s : holding) {
                s.close();
            }
        }
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (ArchiveResponder.active() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(200, get("/fs/top/?format=zip").statusCode());
    }

    @Test
    void aSlowReaderKeepsWhatTheNodeBuffersBounded() throws Exception {
        // 200 MB of sparse files: no disk taken, and the node reads them far faster than this client.
        bigFolder();
        AtomicReference<Channel> accepted = new AtomicReference<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        DfsHttpContext context = DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT));
        try {
            Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.set(ch);
                            ch.pipeline().addLast(new PublicHttpInitializer(context));
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            long peak = 0;
            long total = 0;
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(64 * 1024);
                s.setSoTimeout(20_000);
                s.connect(new InetSocketAddress("127.0.0.1", port));
                s.getOutputStream().write("GET /fs/big/?format=zip HTTP/1.1\r\nHost: t\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                byte[] buf = new byte[256 * 1024];
                long lastPause = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                    Channel ch = accepted.get();
                    if (ch != null && ch.unsafe().outboundBuffer() != null) {
                        peak = Math.max(peak, ch.unsafe().outboundBuffer().totalPendingWriteBytes());
                    }
                    if (total - lastPause > (4 << 20)) {
                        lastPause = total;
                        Thread.sleep(10); // about 400 MB/s at most: slower than the node reads sparse files
                    }
                    if (total > 200_000_000L && endsWithCentralDirectoryEnd(buf, n)) {
                        break;
                    }
                }
            }
            assertTrue(total > 200_000_000L, "read " + total);
            assertTrue(peak > 0, "never saw anything queued: the reader was not slow");
            assertTrue(peak <= 2 * 1024 * 1024, "the node queued " + peak + " bytes for a slow reader");
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Whether the last bytes read hold the zero-size last chunk after a zip's end record. */
    private static boolean endsWithCentralDirectoryEnd(byte[] buf, int n) {
        return n >= 5 && new String(buf, n - 5, 5, StandardCharsets.ISO_8859_1).equals("0\r\n\r\n");
    }

    @Test
    void zip64OfASparseFileOverFourGiB() throws Exception {
        Path dir = root.resolve("huge");
        Files.createDirectories(dir);
        long size = (9L << 29) + 7; // 4.5 GiB and a bit: past what 32-bit zip sizes hold
        sparse(dir.resolve("huge.bin"), size);
        Files.writeString(dir.resolve("small-after.txt"), "after the big one\n");
        rescan();
        start();
        HttpResponse<InputStream> res = client.send(HttpRequest.newBuilder(server.uri("/fs/huge/?format=zip")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, res.statusCode());
        try (ZipInputStream zip = new ZipInputStream(res.body())) {
            ZipEntry big = zip.getNextEntry();
            assertEquals("huge.bin", big.getName());
            byte[] buf = new byte[1 << 20];
            long n = 0;
            byte[] tail = new byte[5];
            for (int r; (r = zip.read(buf)) > 0; ) {
                n += r;
                if (r >= 5) {
                    System.arraycopy(buf, r - 5, tail, 0, 5);
                }
            }
            assertEquals(size, n); // ZipInputStream checked the CRC and the ZIP64 sizes of the descriptor
            assertEquals("!end!", new String(tail, StandardCharsets.US_ASCII));
            ZipEntry small = zip.getNextEntry();
            assertEquals("small-after.txt", small.getName());
            assertEquals("after the big one\n", new String(zip.readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(null, zip.getNextEntry());
        }
    }

    private static void assertSame(Map<String, byte[]> want, Map<String, byte[]> got) {
        assertEquals(want.keySet(), got.keySet());
        for (var e : want.entrySet()) {
            assertArrayEquals(e.getValue(), got.get(e.getKey()), e.getKey());
        }
    }

    /** Test bytes. */
    static final class FileBytes {
        static byte[] random(int n, long seed) {
            byte[] b = new byte[n];
            new java.util.Random(seed).nextBytes(b);
            return b;
        }
    }
}
