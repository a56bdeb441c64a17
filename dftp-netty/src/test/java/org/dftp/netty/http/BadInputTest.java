package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input gets a clear error and changes nothing (issue 2): path escapes never read a byte from
 * outside the dfsroot, methods the node does not serve get 405, malformed requests 400/414/431 and a
 * closed connection. All on the production pipeline over an EmbeddedChannel.
 */
@ExtendWith(NettyLeaks.class)
class BadInputTest {
    private static final String SECRET = "TOP SECRET outside the dfsroot";

    @TempDir
    Path tmp;
    Path root;
    DfsTree tree;
    EmbeddedHttp http;

    @BeforeEach
    void rootWithEscapeHatches() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("test.txt"), "inside\n");
        Files.createDirectories(root.resolve("somedir"));
        Files.writeString(root.resolve("somedir/c.jpg"), "ab");
        Files.writeString(root.resolve("é ü.txt"), "utf-8 name\n");
        Files.writeString(root.resolve("a<b>\"c\"&d?e#f.txt"), "markup name\n");
        Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("relative-link.txt"), Path.of("../outside/secret.txt"));
        Files.createSymbolicLink(root.resolve("linkdir"), outside);
        Files.createSymbolicLink(root.resolve("inner-link.txt"), Path.of("test.txt"));
        tree = Trees.fromDisk(root, "ga").apply(List.of(
                // What a scanner that followed the links would have announced.
                Trees.file("link.txt", "ga", SECRET.length(), Trees.CAPTURE_TIME),
                Trees.file("relative-link.txt", "ga", SECRET.length(), Trees.CAPTURE_TIME),
                Trees.file("linkdir/secret.txt", "ga", SECRET.length(), Trees.CAPTURE_TIME),
                Trees.file("inner-link.txt", "ga", 7, Trees.CAPTURE_TIME)));
        http = new EmbeddedHttp(DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT)));
    }

    @AfterEach
    void nothingLeftInTheChannel() {
        assertFalse(http.channel.finish());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/fs/../outside/secret.txt",
            "/fs/../../../../../../etc/passwd",
            "/fs/somedir/../../outside/secret.txt",
            "/fs/%2e%2e/outside/secret.txt",
            "/fs/%2E%2E/%2E%2E/etc/passwd",
            "/fs/.%2e/outside/secret.txt",
            "/fs/..%2foutside%2fsecret.txt",
            "/fs/somedir%2f..%2f..%2foutside/secret.txt",
            "/fs/somedir%2fc.jpg",
            "/fs/..\\outside\\secret.txt",
            "/fs/somedir\\c.jpg",
            "/fs/%5c..%5coutside%5csecret.txt",
            "/fs/test.txt%00.jpg",
            "/fs/%00",
            "/fs/test.txt%0a",
            "/fs/%c0%ae%c0%ae/outside/secret.txt",
            "/fs/%c0%ae%c0%ae%c0%afoutside%c0%afsecret.txt",
            "/fs/%e0%80%ae%e0%80%ae/outside/secret.txt",
            "/fs/%c0%af",
            "/fs/%ff%fe",
            "/fs/%e9t%e9.txt",
            "/fs/%zz",
            "/fs/%",
            "/fs/%2",
            "/fs/./test.txt",
            "/fs/link.txt",
            "/fs/relative-link.txt",
            "/fs/linkdir/secret.txt",
            "/fs/link.txt?format=txt",
            "/find/?prefix=../outside",
            "/find/?prefix=%2e%2e",
            "/find/?prefix=/somedir/%00",
            "http://node/fs/../outside/secret.txt",
            "http://node/fs/%2e%2e/outside/secret.txt",
            "http://node/fs/link.txt"})
    void pathEscapeIsRefusedAndNothingFromOutsideTheRootIsSent(String uri) {
        for (String method : List.of("GET", "HEAD")) {
            RawResponse res = http.request(method, uri);
            assertTrue(res.status() == 400 || res.status() == 404, method + " " + uri + " -> " + res.status());
            assertFalse(res.text().contains("SECRET"), res.text());
            assertEquals("text/plain; charset=utf-8", res.header("Content-Type"));
            if (!http.channel.isOpen()) {
                assertFalse(http.channel.finish());
                http = new EmbeddedHttp(DfsHttpContext.local(() -> tree, "ga", localRoot()));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/fs/%2e%2e/x      | bad path: '..' is not allowed in a path",
            "/fs/a%2fb         | bad path: encoded slash in path",
            "/fs/a\\b          | bad path: backslash in path",
            "/fs/a%00b         | bad path: control character in path",
            "/fs/%c0%ae        | bad path: path is not valid UTF-8"})
    void badPathSaysWhatIsWrongAndCloses(String uri, String text) {
        RawResponse res = http.get(uri);
        assertEquals(400, res.status());
        assertEquals(text + "\n", res.text());
        assertFalse(http.channel.isOpen(), "like nginx, a 400 ends the connection");
    }

    @Test
    void symlinkThatStaysInsideTheRootIsServed() {
        RawResponse res = http.get("/fs/inner-link.txt");
        assertEquals(200, res.status());
        assertEquals("inside\n", res.text());
    }

    @Test
    void symlinkOutOfTheRootIsNotFoundNotForbidden() {
        // From outside, a link that leads out of the root looks like nothing at all.
        RawResponse res = http.get("/fs/link.txt");
        assertEquals(404, res.status());
        assertEquals("`/link.txt` not found in DFS\n", res.text());
        // It echoes the path the client chose: a browser must not sniff it as a page.
        assertEquals("nosniff", res.header("X-Content-Type-Options"));
        assertEquals("text/plain; charset=utf-8", res.header("Content-Type"));
    }

    /** nginx answers 403 for a file it may not read; it used to be 500 here. */
    @Test
    void aFileThisNodeMayNotReadIs403() throws IOException {
        Path locked = Files.writeString(root.resolve("locked.txt"), "mode 000");
        Files.setPosixFilePermissions(locked, java.util.Set.of());
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(locked),
                "running as root, which reads a mode-000 file anyway: skipping");
        tree = Trees.fromDisk(root, "ga");
        RawResponse res = http.get("/fs/locked.txt");
        assertEquals(403, res.status());
        assertEquals("`/locked.txt` may not be read\n", res.text());
    }

    @Test
    void utf8NameIsReachablePercentEncoded() {
        RawResponse res = http.get("/fs/%C3%A9%20%C3%BC.txt");
        assertEquals(200, res.status());
        assertEquals("utf-8 name\n", res.text());
    }

    @Test
    void utf8NameIsReachableAsRawBytesInTheRequestLine() {
        // curl and wget send what they are given: the UTF-8 bytes themselves, unencoded.
        String rawUtf8 = new String("/fs/é%20ü.txt".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        RawResponse res = http.get(rawUtf8);
        assertEquals(200, res.status());
        assertEquals("utf-8 name\n", res.text());
    }

    @Test
    void rawUtf8DirectoryIsRedirectedToItsPercentEncodedForm() throws IOException {
        Files.createDirectories(root.resolve("日本"));
        Files.writeString(root.resolve("日本/x.txt"), "x");
        tree = Trees.fromDisk(root, "ga");
        String raw = new String("/fs/日本".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        RawResponse res = http.get(raw);
        assertEquals(302, res.status());
        assertEquals("/fs/%E6%97%A5%E6%9C%AC/", res.header("Location"), "a Location is ASCII");
        assertEquals(200, http.get(res.header("Location")).status());
        assertEquals(200, http.get(raw + "/").status());
    }

    @Test
    void nameWithMarkupAndUrlCharactersIsReachableByItsEncodedHref() {
        RawResponse res = http.get("/fs/a%3Cb%3E%22c%22%26d%3Fe%23f.txt");
        assertEquals(200, res.status());
        assertEquals("markup name\n", res.text());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PUT", "DELETE", "POST", "MKCOL", "PATCH", "OPTIONS", "MOVE", "COPY", "PROPFIND",
            "PROPPATCH", "LOCK", "UNLOCK", "TRACE", "BREW"})
    void methodNotServedIs405WithAllow(String method) {
        RawResponse res = http.request(method, "/fs/test.txt");
        assertEquals(405, res.status());
        assertEquals("GET, HEAD", res.header("Allow"));
        assertTrue(http.channel.isOpen(), "a 405 without a body keeps the connection");
        assertEquals(200, http.get("/fs/test.txt").status());
        assertArrayEquals("inside\n".getBytes(StandardCharsets.UTF_8), readTestTxt());
    }

    @Test
    void connectIs405() {
        RawResponse res = http.request("CONNECT", "example.com:443");
        assertEquals(405, res.status());
    }

    @Test
    void methodNotServedWithASmallBodyIsAnsweredAndTheBodySkipped() throws IOException {
        List<RawResponse> res = RawResponse.readAll(http.exchange(
                "PUT /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                        + "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\n\r\n"), "PUT", "GET");
        assertEquals(405, res.get(0).status());
        assertEquals(200, res.get(1).status());
        assertArrayEquals("inside\n".getBytes(StandardCharsets.UTF_8), readTestTxt());
    }

    @Test
    void methodNotServedAwaitingALargeBodyClosesInsteadOfReadingIt() {
        // A client waiting for 100-continue would otherwise never send the body the decoder expects,
        // and one that sends it anyway would make us read gigabytes only to drop them.
        RawResponse res = EmbeddedHttp.only(http.exchange("PUT /fs/new.bin HTTP/1.1\r\nHost: t\r\n"
                + "Content-Length: 10000000000\r\nExpect: 100-continue\r\n\r\n"), "PUT");
        assertEquals(405, res.status());
        assertEquals("close", res.header("Connection"));
        assertFalse(http.channel.isOpen());
        assertFalse(Files.exists(root.resolve("new.bin")));
    }

    @Test
    void overLongUriIs414AndCloses() {
        RawResponse res = http.get("/fs/" + "a".repeat(PublicHttpInitializer.MAX_INITIAL_LINE));
        assertEquals(414, res.status());
        assertFalse(http.channel.isOpen());
    }

    @Test
    void longUriUnderTheLimitIsAnsweredNormally() {
        RawResponse res = http.get("/fs/" + "a".repeat(200) + "/" + "b".repeat(200));
        assertEquals(404, res.status());
        assertTrue(http.channel.isOpen());
    }

    @Test
    void overLargeHeaderIs431AndCloses() {
        RawResponse res = http.get("/fs/test.txt", "X-Big: " + "x".repeat(PublicHttpInitializer.MAX_HEADER_SIZE));
        assertEquals(431, res.status());
        assertFalse(http.channel.isOpen());
    }

    @Test
    void manyHeadersOverTheLimitAre431() {
        String[] headers = new String[400];
        for (int i = 0; i < headers.length; i++) {
            headers[i] = "X-H" + i + ": " + "v".repeat(40);
        }
        assertEquals(431, http.get("/fs/test.txt", headers).status());
        assertFalse(http.channel.isOpen());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n0\r\n\r\n",
            "POST /fs/test.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nNo colon here\r\n\r\n",
            "GARBAGE\r\n\r\n",
            "GET /fs/test.txt HTTP/1.1 extra\r\nHost: t\r\n\r\n"})
    void malformedOrAmbiguousFramingIs400AndCloses(String raw) {
        RawResponse res = EmbeddedHttp.only(http.exchange(raw), "GET");
        assertEquals(400, res.status(), res.text());
        assertTrue(res.text().startsWith("bad request: "), res.text());
        assertEquals("close", res.header("Connection"));
        assertFalse(http.channel.isOpen());
    }

    @Test
    void requestAfterAMalformedOneInTheSameWriteIsNeverServed() throws IOException {
        byte[] out = http.exchange("GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /fs/link.txt HTTP/1.1\r\nHost: t\r\n\r\n");
        List<RawResponse> res = RawResponse.readAll(out, "GET");
        assertEquals(400, res.get(0).status());
    }

    @Test
    void nothingOnDiskChangesWhateverIsSent() throws IOException {
        for (String m : List.of("PUT", "DELETE", "POST", "MKCOL", "MOVE")) {
            http = new EmbeddedHttp(DfsHttpContext.local(() -> tree, "ga", localRoot()));
            http.exchange(m + " /fs/test.txt HTTP/1.1\r\nHost: t\r\nDestination: /fs/moved.txt\r\n"
                    + "Content-Length: 3\r\n\r\nxyz");
            assertFalse(http.channel.finish());
        }
        assertArrayEquals("inside\n".getBytes(StandardCharsets.UTF_8), readTestTxt());
        assertFalse(Files.exists(root.resolve("moved.txt")));
        assertEquals(SECRET, Files.readString(tmp.resolve("outside/secret.txt")));
    }

    private LocalRoot localRoot() {
        try {
            return LocalRoot.of(root, DfsPath.ROOT);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] readTestTxt() {
        try {
            return Files.readAllBytes(root.resolve("test.txt"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
