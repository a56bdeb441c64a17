package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.RawClient;
import org.dftp.netty.testing.RawResponse;
import org.dftp.netty.testing.TestServer;
import org.dftp.netty.testing.TestServer.Transport;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real {@link PublicHttpServer} on a loopback port, on the epoll and the NIO transport, driven by the
 * JDK HttpClient and by raw sockets: keep-alive, pipelining, sendfile byte for byte, malformed input,
 * and a file that shrinks while it is being sent.
 */
@ExtendWith(NettyLeaks.class)
class PublicHttpServerTest {
    static final byte[] FIVE_MIB = FileResponseTest.random(5 << 20, 11);

    @TempDir
    Path root;
    DfsTree tree;
    DfsHttpContext context;
    TestServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void files() throws IOException {
        Files.writeString(root.resolve("test.txt"), "Hello from dftp ga!\n");
        Files.write(root.resolve("five.bin"), FIVE_MIB);
        Files.createDirectories(root.resolve("somedir"));
        Files.write(root.resolve("somedir/c.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8});
        Files.writeString(root.resolve("é ü.txt"), "utf-8 name\n");
        tree = Trees.fromDisk(root, "ga");
        context = DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void largeFileIsSentByteIdenticalThroughSendfile(Transport transport) throws Exception {
        server = TestServer.start(transport, context);
        HttpResponse<byte[]> res = client.send(HttpRequest.newBuilder(server.uri("/fs/five.bin")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, res.statusCode());
        assertEquals(String.valueOf(FIVE_MIB.length), res.headers().firstValue("content-length").orElseThrow());
        assertEquals(FileResponseTest.sha256(FIVE_MIB), FileResponseTest.sha256(res.body()));

        HttpResponse<byte[]> range = client.send(HttpRequest.newBuilder(server.uri("/fs/five.bin"))
                .header("Range", "bytes=1000000-3999999").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(FIVE_MIB, 1_000_000, 4_000_000), range.body());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void severalRequestsShareOneKeepAliveConnection(Transport transport) throws Exception {
        server = TestServer.start(transport, context);
        try (RawClient c = new RawClient(server.port())) {
            for (int i = 0; i < 3; i++) {
                assertEquals("Hello from dftp ga!\n", c.request("GET", "/fs/test.txt").read("GET").text());
                assertArrayEquals(FIVE_MIB, c.request("GET", "/fs/five.bin").read("GET").body());
                assertEquals(302, c.request("GET", "/fs/somedir").read("GET").status());
                assertEquals(404, c.request("GET", "/fs/nope").read("GET").status());
                RawResponse head = c.request("HEAD", "/fs/five.bin").read("HEAD");
                assertEquals(String.valueOf(FIVE_MIB.length), head.header("Content-Length"));
                assertEquals(List.of("/five.bin", "/somedir", "/somedir/c.jpg", "/test.txt", "/é ü.txt"),
                        FindTest.lines(c.request("GET", "/find/").read("GET")));
            }
            RawResponse last = c.request("GET", "/fs/test.txt", "Connection: close").read("GET");
            assertEquals("close", last.header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void pipelinedRequestsWrittenAtOnceAreAnsweredInOrder(Transport transport) throws Exception {
        tree = tree.apply(bigChanges());
        server = TestServer.start(transport, context);
        String[][] requests = {{"GET", "/fs/test.txt"}, {"GET", "/fs/five.bin"}, {"HEAD", "/fs/five.bin"},
                {"GET", "/find/"}, {"GET", "/fs/nope"}, {"HEAD", "/find/"}, {"GET", "/fs/somedir/"},
                {"GET", "/fs/somedir/c.jpg"}, {"GET", "/fs/five.bin?format=txt"}, {"GET", "/"}};
        StringBuilder all = new StringBuilder();
        for (String[] r : requests) {
            all.append(r[0]).append(' ').append(r[1]).append(" HTTP/1.1\r\nHost: t\r\n\r\n");
        }
        try (RawClient c = new RawClient(server.port())) {
            c.send(all.toString());
            List<RawResponse> res = new ArrayList<>();
            for (String[] r : requests) {
                res.add(c.read(r[0]));
            }
            assertEquals("Hello from dftp ga!\n", res.get(0).text());
            assertArrayEquals(FIVE_MIB, res.get(1).body());
            assertEquals(0, res.get(2).body().length);
            assertEquals(1 + 20 + 20_000 + 5, FindTest.lines(res.get(3)).size());
            assertTrue(res.get(3).chunked());
            assertEquals(404, res.get(4).status());
            assertEquals(200, res.get(5).status());
            assertTrue(res.get(6).text().contains("c.jpg"));
            assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xd8}, res.get(7).body());
            assertEquals("text/plain; charset=utf-8", res.get(8).header("Content-Type"));
            assertArrayEquals(FIVE_MIB, res.get(8).body());
            assertTrue(res.get(9).text().contains("dftp"));
            // Nothing more, and the connection still serves.
            assertEquals(200, c.request("GET", "/fs/test.txt").read("GET").status());
        }
    }

    private List<Change> bigChanges() {
        List<Change> changes = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            for (int f = 0; f < 1000; f++) {
                changes.add(Trees.file("big/d" + FindTest.pad(d, 2) + "/f" + FindTest.pad(f, 4), "gb", 1,
                        Trees.CAPTURE_TIME));
            }
        }
        return changes;
    }

    @Test
    void jdkHttpClientReadsListingsJsonFilesAndFind() throws Exception {
        server = TestServer.start(Transport.NIO, context);
        HttpResponse<String> html = client.send(HttpRequest.newBuilder(server.uri("/fs/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, html.statusCode());
        assertTrue(html.body().contains("<a href=\"%C3%A9%20%C3%BC.txt\">é ü.txt</a>"), html.body());

        HttpResponse<byte[]> json = client.send(HttpRequest.newBuilder(server.uri("/fs/"))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode rows = new ObjectMapper().readTree(json.body());
        assertEquals("somedir", rows.get(0).get("name").asText());
        assertEquals(4, rows.size());

        HttpResponse<String> utf8 = client.send(HttpRequest.newBuilder(server.uri("/fs/%C3%A9%20%C3%BC.txt")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("utf-8 name\n", utf8.body());

        HttpResponse<String> redirected = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(server.uri("/fs/somedir?format=json")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, redirected.statusCode());
        assertEquals("/fs/somedir/", redirected.uri().getPath());
        assertTrue(redirected.body().startsWith("["), redirected.body());

        HttpResponse<String> cached = client.send(HttpRequest.newBuilder(server.uri("/fs/test.txt"))
                .header("If-None-Match", "*").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(304, cached.statusCode());
    }

    @Test
    void twoHundredThousandEntriesStreamToARealClient() throws Exception {
        tree = FindTest.bigTree(200, 1000);
        server = TestServer.start(Transport.EPOLL, context);
        HttpResponse<InputStream> res = client.send(HttpRequest.newBuilder(server.uri("/find/")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-length").isEmpty(), "streamed, no length known up front");
        long lines;
        try (InputStream in = res.body()) {
            byte[] all = in.readAllBytes();
            lines = 0;
            for (byte b : all) {
                lines += b == '\n' ? 1 : 0;
            }
            assertTrue(new String(all, StandardCharsets.UTF_8).endsWith("/d199/f0999.bin\n"));
        }
        assertEquals(200_200, lines);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void malformedRequestsAreAnsweredThenTheConnectionCloses(Transport transport) throws Exception {
        server = TestServer.start(transport, context);
        String[][] cases = {
                {"414", "GET /fs/" + "a".repeat(PublicHttpInitializer.MAX_INITIAL_LINE) + " HTTP/1.1\r\nHost: t\r\n\r\n"},
                {"431", "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nX: " + "x".repeat(PublicHttpInitializer.MAX_HEADER_SIZE)
                        + "\r\n\r\n"},
                {"400", "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n"},
                {"400", "GET /fs/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n"},
                {"405", "DELETE /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n"}};
        for (String[] c : cases) {
            try (RawClient raw = new RawClient(server.port())) {
                RawResponse res = raw.send(c[1]).read("GET");
                assertEquals(Integer.parseInt(c[0]), res.status(), c[1].substring(0, 40));
                assertTrue(raw.closedByServer(), "closed after " + c[0]);
            }
        }
        assertEquals("Hello from dftp ga!\n", Files.readString(root.resolve("test.txt")));
        try (RawClient raw = new RawClient(server.port())) {
            assertEquals(200, raw.request("GET", "/fs/test.txt").read("GET").status(), "the server serves on");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void fileThatShrinksWhileSentEndsItsResponseWithACloseAndTheServerServesOn(Transport transport)
            throws Exception {
        Path big = root.resolve("shrinking.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(64L << 20); // sparse: 64 MiB the disk does not hold
        }
        tree = tree.apply(List.of(Trees.file("shrinking.bin", "ga", 64L << 20, Trees.CAPTURE_TIME)));
        server = TestServer.start(transport, context);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            long received;
            try (RawClient slow = new RawClient(server.port(), 16 * 1024, 15_000)) {
                RawResponse head = slow.request("GET", "/fs/shrinking.bin").readHead();
                assertEquals(200, head.status());
                assertEquals(String.valueOf(64L << 20), head.header("Content-Length"));
                InputStream in = slow.input();
                byte[] buf = new byte[16 * 1024];
                received = 0;
                while (received < (2 << 20)) { // a slow reader: the server is mid-file, waiting for the socket
                    int n = in.read(buf);
                    assertTrue(n > 0);
                    received += n;
                    if (received % (256 << 10) < n) {
                        Thread.sleep(20);
                    }
                }
                try (FileChannel ch = FileChannel.open(big, StandardOpenOption.WRITE)) {
                    ch.truncate(1 << 20);
                }
                for (int n = in.read(buf); n >= 0; n = readOrReset(in, buf)) {
                    received += n;
                }
            }
            assertTrue(received < (64L << 20), "the response ended early, as it must: " + received);

            long cpuBefore = server.cpuNanos();
            Thread.sleep(500);
            long burnt = server.cpuNanos() - cpuBefore;
            assertTrue(burnt < 200_000_000L, "event loops idle after the failed send, burnt " + burnt / 1_000_000 + " ms");

            try (RawClient next = new RawClient(server.port())) {
                assertEquals("Hello from dftp ga!\n", next.request("GET", "/fs/test.txt").read("GET").text());
                RawResponse shrunk = next.request("GET", "/fs/shrinking.bin").read("GET");
                assertEquals(200, shrunk.status());
                assertEquals(1 << 20, shrunk.body().length, "the next request sees the new size");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void fileThatVanishedIs404AndTheConnectionServesOn(Transport transport) throws Exception {
        server = TestServer.start(transport, context);
        Files.delete(root.resolve("five.bin"));
        try (RawClient c = new RawClient(server.port())) {
            RawResponse res = c.request("GET", "/fs/five.bin").read("GET");
            assertEquals(404, res.status());
            assertEquals("`/five.bin` not found in DFS\n", res.text());
            assertEquals(200, c.request("GET", "/fs/test.txt").read("GET").status());
        }
    }

    @Test
    void responsesAreCountedByStatus() throws Exception {
        server = TestServer.start(Transport.NIO, context);
        try (RawClient c = new RawClient(server.port())) {
            c.request("GET", "/fs/test.txt").read("GET");
            c.request("GET", "/fs/nope").read("GET");
            c.request("GET", "/fs/nope2").read("GET");
        }
        assertEquals(Long.valueOf(1), context.metrics().responsesByStatus().get(200));
        assertEquals(Long.valueOf(2), context.metrics().responsesByStatus().get(404));
        assertNull(context.metrics().responsesByStatus().get(500));
    }

    /** nginx, and the disk, say a file is no directory: "/fs/test.txt/" names nothing. */
    @Test
    void aFileWithATrailingSlashIsNotFound() throws Exception {
        server = TestServer.start(Transport.NIO, context);
        try (RawClient c = new RawClient(server.port())) {
            assertEquals(404, c.request("GET", "/fs/test.txt/").read("GET").status());
            assertEquals(404, c.request("HEAD", "/fs/test.txt/").read("HEAD").status());
            assertEquals(200, c.request("GET", "/fs/test.txt").read("GET").status());
        }
    }

    private static int readOrReset(InputStream in, byte[] buf) throws IOException {
        try {
            return in.read(buf);
        } catch (java.net.SocketException e) {
            return -1; // reset after the server gave up: as good as a close
        }
    }
}
