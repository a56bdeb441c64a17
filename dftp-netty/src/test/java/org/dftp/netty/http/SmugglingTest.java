package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.testing.EmbeddedHttp;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request smuggling (the hostile-input suite, docs/RELIABILITY.md): requests that two HTTP parsers could
 * read two ways are refused with {@code 400} (a foreign major version with {@code 505}) and the connection
 * closed, where nginx refuses them; a request pipelined behind a refused one is never handled. The
 * ambiguous framings the codec refuses on its own (both lengths, differing lengths, {@code chunked, identity})
 * are in {@link BadInputTest#malformedOrAmbiguousFramingIs400AndCloses}; this adds what the codec let through
 * and checks the same on a real socket, where a close comes after the write.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(30)
class SmugglingTest {
    @TempDir
    Path root;
    DfsTree tree;
    /** How often the handler looked into the tree: only a request that got past the checks does. */
    final AtomicInteger lookups = new AtomicInteger();
    EmbeddedHttp http;

    @BeforeEach
    void root() throws IOException {
        Files.writeString(root.resolve("test.txt"), "inside\n");
        Files.writeString(root.resolve("second.txt"), "SECOND served\n");
        tree = Trees.fromDisk(root, "ga");
        http = new EmbeddedHttp(context());
    }

    private DfsHttpContext context() {
        try {
            return DfsHttpContext.local(() -> {
                lookups.incrementAndGet();
                return tree;
            }, "ga", LocalRoot.of(root, DfsPath.ROOT));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void nothingLeftInTheChannel() {
        http.channel.finish();
        // A closed EmbeddedChannel empties its pipeline at once, so what the codec still decodes from the same
        // write lands at the tail, unhandled; on a socket the handlers stay until later and RequestCheck drops
        // it (overARealSocket...).
        for (Object o = http.channel.readInbound(); o != null; o = http.channel.readInbound()) {
            ReferenceCountUtil.release(o);
        }
        assertNull(http.channel.readOutbound(), "nothing written after the last answer");
    }

    /** Requests nginx refuses with 400 that the codec alone refused already, or lets through and dftp now refuses. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // no Host, or two, on HTTP/1.1 (RFC 9112 3.2)
            "GET /fs/test.txt HTTP/1.1\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET http://node/fs/test.txt HTTP/1.1\r\n\r\n",
            // a bare CR inside a header line, before its colon, ending the request line
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nX-A\r: b\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\rHost: t\r\n\r\n",
            // whitespace before the colon (RFC 9112 5.1 makes it a 400), or opening the first header line
            "GET /fs/test.txt HTTP/1.1\r\nHost : t\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length\t: 0\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\n Host: t\r\n\r\n",
            // a folded line that would change the framing
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n 2\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n identity\r\n\r\n0\r\n\r\n",
            // any folded line (obs-fold, RFC 9112 5.2), as nginx: a server may reject it, and one reading it
            // as a value of its own differs from one that joins it to the line before
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nX-Note: a\r\n b\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nX-Note: a\r\n\tb\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nX-Note: a\r\n Host: t\r\n\r\n",
            // NUL and other controls in a header value, bare LF line ends
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nX-A: a\u0000b\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\nHost: t\n\n",
            // lengths that are not plain digits
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: +0\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0x0\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n"})
    void isRefusedWith400AndClosed(String raw) {
        RawResponse res = EmbeddedHttp.only(http.exchange(raw), "GET");
        assertEquals(400, res.status(), res.text());
        assertTrue(res.text().startsWith("bad request: "), res.text());
        assertEquals("close", res.header("Connection"));
        assertFalse(http.channel.isOpen());
        assertEquals(0, lookups.get(), "the refused request reached the tree");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/9.9", "HTTP/2.0", "HTTP/0.9", "HTTP/3.1"})
    void aForeignMajorVersionIs505AndClosed(String version) {
        RawResponse res = EmbeddedHttp.only(http.exchange("GET /fs/test.txt " + version + "\r\nHost: t\r\n\r\n"), "GET");
        assertEquals(505, res.status(), res.text());
        assertEquals("close", res.header("Connection"));
        assertFalse(http.channel.isOpen());
        assertEquals(0, lookups.get());
    }

    @Test
    void aHigherMinorVersionIsServedAsHttp11AndHttp10NeedsNoHost() {
        // RFC 9110 2.5, and what nginx does: HTTP/1.2 is answered as HTTP/1.1.
        RawResponse res = EmbeddedHttp.only(http.exchange("GET /fs/test.txt HTTP/1.2\r\nHost: t\r\n\r\n"), "GET");
        assertEquals(200, res.status());
        assertTrue(http.channel.isOpen());
        res = EmbeddedHttp.only(http.exchange("GET /fs/test.txt HTTP/1.0\r\n\r\n"), "GET");
        assertEquals(200, res.status());
        assertEquals("inside\n", res.text());
    }

    /**
     * A folded trailer line after the last chunk is refused as a folded header is: the connection closes (the
     * {@code GET} was answered before its body ended) and the request behind it is never handled.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"X-T: a\r\n b\r\n", "X-T: a\r\n\tb\r\n", " X-T: a\r\n"})
    void aFoldedTrailerClosesAndNothingBehindItIsHandled(String trailer) throws IOException {
        String chunked = "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n" + trailer + "\r\n";
        List<RawResponse> res = RawResponse.readAll(http.exchange(chunked + "GET /fs/second.txt HTTP/1.1\r\nHost: t\r\n\r\n"), "GET");
        assertEquals("inside\n", res.get(0).text(), "one answer, to the GET, and nothing after it");
        assertFalse(http.channel.isOpen());
        assertEquals(1, lookups.get(), "only the GET before the folded trailer reached the tree");
    }

    @Test
    void aTrailerThatIsNotFoldedIsFine() throws IOException {
        List<RawResponse> res = RawResponse.readAll(http.exchange("GET /fs/test.txt HTTP/1.1\r\nHost: t\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: a\r\n\r\n"
                + "GET /fs/second.txt HTTP/1.1\r\nHost: t\r\n\r\n"), "GET", "GET");
        assertEquals(2, res.size());
        assertEquals("SECOND served\n", res.get(1).text());
        assertTrue(http.channel.isOpen());
    }

    /** Each refused request, with a second one pipelined behind it in the same write. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "GET /fs/test.txt HTTP/1.1\r\n\r\n",
            "GET /fs/test.txt HTTP/9.9\r\nHost: t\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 45\r\n\r\n",
            "POST /fs/test.txt HTTP/1.1\r\nContent-Length: 45\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nX-Note: a\r\n b\r\n\r\n"})
    void aRequestPipelinedBehindARefusedOneIsNeverHandled(String refused) throws IOException {
        String second = "GET /fs/second.txt HTTP/1.1\r\nHost: t\r\n\r\n";
        List<RawResponse> res = RawResponse.readAll(http.exchange(refused + second), "GET");
        assertEquals(1, res.size(), "one answer, to the refused request");
        assertTrue(res.get(0).status() >= 400, String.valueOf(res.get(0).status()));
        assertFalse(res.get(0).text().contains("SECOND"));
        assertFalse(http.channel.isOpen());
        assertEquals(0, lookups.get(), "the pipelined request reached the tree");
    }

    @Test
    void overARealSocketTheRequestBehindARefusedOneIsNeverAnsweredEither() throws Exception {
        try (TestServer server = TestServer.start(TestServer.Transport.NIO, context());
             RawClient client = new RawClient(server.port(), 0, 5_000)) {
            client.send("GET /fs/test.txt HTTP/1.1\r\n\r\n"
                    + "GET /fs/second.txt HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /fs/second.txt HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse first = client.read("GET");
            assertEquals(400, first.status());
            assertEquals("bad request: an HTTP/1.1 request needs a Host header\n", first.text());
            assertNull(client.read("GET"), "nothing after the refusal");
            assertEquals(0, lookups.get());
        }
        try (TestServer server = TestServer.start(TestServer.Transport.NIO, context());
             RawClient client = new RawClient(server.port(), 0, 5_000)) {
            // and a well-formed pair on one connection is still answered twice
            client.send("GET /fs/test.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /fs/second.txt HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals("inside\n", client.read("GET").text());
            assertEquals("SECOND served\n", client.read("GET").text());
        }
    }

    @Test
    void overARealSocketAFoldedHeaderIs400AndNothingBehindItIsAnswered() throws Exception {
        try (TestServer server = TestServer.start(TestServer.Transport.NIO, context());
             RawClient client = new RawClient(server.port(), 0, 5_000)) {
            client.send("GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nX-Note: a\r\n b\r\n\r\n"
                    + "GET /fs/second.txt HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse first = client.read("GET");
            assertEquals(400, first.status());
            assertTrue(first.text().contains("folding"), first.text());
            assertEquals("close", first.header("Connection"));
            assertNull(client.read("GET"), "nothing after the refusal");
            assertEquals(0, lookups.get());
        }
    }

    @Test
    void aRequestBehindARefusalThatWaitsForASlowReaderIsNeverHandled() throws Exception {
        // The 400 cannot go out while earlier answers fill the socket, so its close waits too: the request
        // behind it must not be served meanwhile.
        Files.write(root.resolve("big.bin"), new byte[2 * 1024 * 1024]);
        tree = Trees.fromDisk(root, "ga");
        try (TestServer server = TestServer.start(TestServer.Transport.NIO, context());
             RawClient client = new RawClient(server.port(), 4096, 5_000)) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                b.append("GET /fs/big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
            }
            b.append("GET /fs/%2e%2e/x HTTP/1.1\r\nHost: t\r\n\r\n");
            b.append("GET /fs/second.txt HTTP/1.1\r\nHost: t\r\n\r\n");
            client.send(b.toString());
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (lookups.get() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(300);
            assertEquals(8, lookups.get(), "only the eight downloads looked into the tree");
            for (int i = 0; i < 8; i++) {
                assertEquals(200, client.read("GET").status());
            }
            RawResponse refused = client.read("GET");
            assertEquals(400, refused.status());
            assertNull(client.read("GET"), "nothing after the refusal");
            assertEquals(8, lookups.get());
        }
    }
}
