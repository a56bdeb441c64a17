package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.testing.EmbeddedHttp;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.RawResponse;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Clients at the edges of HTTP/1.x: HTTP/1.0 (ApacheBench, old wget) and absolute-form request targets. */
@ExtendWith(NettyLeaks.class)
class Http10AndTargetFormsTest {
    @TempDir
    Path root;
    DfsTree tree;
    EmbeddedHttp http;

    @BeforeEach
    void bigTree() throws IOException {
        Files.writeString(root.resolve("test.txt"), "Hello from dftp ga!\n");
        List<Change> changes = new ArrayList<>();
        changes.add(Trees.file("test.txt", "ga", 20, Trees.CAPTURE_TIME));
        for (int i = 0; i < 5000; i++) {
            changes.add(Trees.file("many/f" + FindTest.pad(i, 4) + ".txt", "ga", i, Trees.CAPTURE_TIME));
        }
        tree = DfsTree.EMPTY.apply(changes);
        http = new EmbeddedHttp(DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT)));
    }

    @AfterEach
    void nothingLeftInTheChannel() {
        assertFalse(http.channel.finish());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/find/", "/fs/many/"})
    void streamedBodyToAnHttp10ClientIsNotChunkedAndEndsWithTheConnection(String uri) {
        // RFC 9112 6.1: no Transfer-Encoding in a response to an HTTP/1.0 request.
        RawResponse res = EmbeddedHttp.only(http.exchange("GET " + uri + " HTTP/1.0\r\n\r\n"), "GET");
        assertEquals(200, res.status());
        assertNull(res.header("Transfer-Encoding"));
        assertFalse(res.chunked());
        assertEquals("close", res.header("Connection"));
        assertFalse(http.channel.isOpen(), "the body ends with the connection");
        if (uri.equals("/find/")) {
            assertEquals(5002, FindTest.lines(res).size());
        } else {
            assertEquals(5001, ListingTest.shownNames(res.text()).size());
            assertTrue(res.text().endsWith("</body></html>\n"));
        }
    }

    @Test
    void http10KeepAliveRequestForAStreamedBodyStillEndsWithTheConnection() {
        RawResponse res = EmbeddedHttp.only(
                http.exchange("GET /find/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), "GET");
        assertEquals(5002, FindTest.lines(res).size());
        assertFalse(http.channel.isOpen());
    }

    @Test
    void http11StillGetsChunked() {
        RawResponse res = http.get("/find/");
        assertTrue(res.chunked());
        assertTrue(http.channel.isOpen());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://node.example:7040/fs/test.txt", "HTTP://node.example/fs/test.txt",
            "https://node.example/fs/test.txt?format=txt"})
    void absoluteFormTargetIsServedLikeItsPath(String target) {
        // RFC 9112 3.2.2: a server must accept the absolute form (proxies and some clients send it).
        RawResponse res = http.get(target);
        assertEquals(200, res.status());
        assertEquals("Hello from dftp ga!\n", res.text());
    }

    @Test
    void absoluteFormDirectoryRedirectsToItsPath() {
        RawResponse res = http.get("http://node.example/fs/many?sort=size");
        assertEquals(302, res.status());
        assertEquals("/fs/many/?sort=size", res.header("Location"));
        assertEquals(200, http.get("http://node.example").status(), "no path at all is the root");
    }
}
