package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Local files through the production pipeline on an EmbeddedChannel: bodies (in one buffer up to 16 KiB,
 * as a FileRegion above), Content-Type, HEAD, Range, validators and 304, redirects and 404s.
 */
@ExtendWith(NettyLeaks.class)
class FileResponseTest {
    static final long MTIME = Trees.CAPTURE_TIME;
    static final String LAST_MODIFIED = "Tue, 24 Nov 2026 09:30:38 GMT";
    static final byte[] DIGITS = "0123456789".repeat(10).getBytes(StandardCharsets.US_ASCII);
    static final byte[] BIG = random(100_000, 7);

    @TempDir
    Path root;
    DfsTree tree;
    EmbeddedHttp http;

    @BeforeEach
    void files() throws IOException {
        write("test.txt", "Hello from dftp ga!\n".getBytes(StandardCharsets.UTF_8));
        write("digits.bin", DIGITS);
        write("big.bin", BIG);
        write("exactly16k.bin", random(FileResponder.SMALL_FILE, 1));
        write("over16k.bin", random(FileResponder.SMALL_FILE + 1, 2));
        write("empty.txt", new byte[0]);
        write("somedir/c.jpg", new byte[] {(byte) 0xff, (byte) 0xd8});
        for (String n : List.of("page.html", "style.css", "doc.pdf", "noext", "archive.tar.gz", "UPPER.JPG",
                "data.json", "movie.mp4", "trailingdot.")) {
            write(n, n.getBytes(StandardCharsets.UTF_8));
        }
        tree = Trees.fromDisk(root, "ga");
        http = new EmbeddedHttp(DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT)));
    }

    @AfterEach
    void nothingLeftInTheChannel() {
        assertFalse(http.channel.finish());
    }

    @Test
    void greetingPageAtTheRoot() {
        RawResponse res = http.get("/");
        assertEquals(200, res.status());
        assertEquals("text/html; charset=utf-8", res.header("Content-Type"));
        assertTrue(res.text().contains("Node ga"), res.text());
        assertTrue(res.text().contains("href=\"/fs/\""), res.text());
        RawResponse head = http.request("HEAD", "/");
        assertEquals(res.header("Content-Length"), head.header("Content-Length"));
        assertEquals(0, head.body().length);
    }

    @Test
    void smallFileIsSentWholeInOneBuffer() throws Exception {
        RawResponse res = http.get("/fs/test.txt");
        assertEquals(200, res.status());
        assertEquals("Hello from dftp ga!\n", res.text());
        assertEquals("20", res.header("Content-Length"));
        assertEquals("bytes", res.header("Accept-Ranges"));
        assertEquals(0, http.fileRegions);
    }

    @Test
    void fileOverSixteenKibIsSentAsAFileRegionByteIdentical() throws Exception {
        RawResponse res = http.get("/fs/big.bin");
        assertEquals(200, res.status());
        assertEquals(String.valueOf(BIG.length), res.header("Content-Length"));
        assertEquals(sha256(BIG), sha256(res.body()));
        assertEquals(1, http.fileRegions);
    }

    @Test
    void aFileReplacedUnderItsNameIsSentAsItIsNowNotFromTheOpenChannelOfTheOldOne() throws Exception {
        assertEquals(sha256(BIG), sha256(http.get("/fs/big.bin").body()));
        byte[] next = random(BIG.length, 99); // same size and time: only the inode tells them apart
        Path tmp = root.resolve("big.bin.tmp");
        Files.write(tmp, next);
        Files.setLastModifiedTime(tmp, FileTime.from(MTIME, TimeUnit.SECONDS));
        Files.move(tmp, root.resolve("big.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(sha256(next), sha256(http.get("/fs/big.bin").body()));
        assertEquals(2, http.fileRegions);
    }

    @ParameterizedTest(name = "{0}: {1} file region(s)")
    @CsvSource({"exactly16k.bin, 0", "over16k.bin, 1", "empty.txt, 0"})
    void bodyPathSwitchesAboveSixteenKibAndBothAreByteIdentical(String name, int regions) throws Exception {
        RawResponse res = http.get("/fs/" + name);
        assertEquals(200, res.status());
        assertEquals(sha256(Files.readAllBytes(root.resolve(name))), sha256(res.body()));
        assertEquals(String.valueOf(Files.size(root.resolve(name))), res.header("Content-Length"));
        assertEquals(regions, http.fileRegions);
    }

    static Stream<Arguments> contentTypes() {
        return Stream.of(
                Arguments.of("test.txt", "text/plain; charset=utf-8"),
                Arguments.of("somedir/c.jpg", "image/jpeg"),
                Arguments.of("UPPER.JPG", "image/jpeg"),
                Arguments.of("page.html", "text/html; charset=utf-8"),
                Arguments.of("style.css", "text/css; charset=utf-8"),
                Arguments.of("doc.pdf", "application/pdf"),
                Arguments.of("data.json", "application/json"),
                Arguments.of("archive.tar.gz", "application/gzip"),
                Arguments.of("movie.mp4", "video/mp4"),
                Arguments.of("noext", "application/octet-stream"),
                Arguments.of("trailingdot.", "application/octet-stream"),
                Arguments.of("digits.bin", "application/octet-stream"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("contentTypes")
    void contentTypeIsGuessedFromTheExtension(String name, String type) {
        RawResponse res = http.get("/fs/" + name);
        assertEquals(200, res.status());
        assertEquals(type, res.header("Content-Type"));
    }

    @ParameterizedTest(name = "{0}?format=txt")
    @ValueSource(strings = {"somedir/c.jpg", "big.bin", "page.html"})
    void formatTxtForcesPlainTextAndKeepsTheBytes(String name) throws IOException {
        RawResponse res = http.get("/fs/" + name + "?format=txt");
        assertEquals(200, res.status());
        assertEquals("text/plain; charset=utf-8", res.header("Content-Type"));
        assertArrayEquals(Files.readAllBytes(root.resolve(name)), res.body());
    }

    @ParameterizedTest(name = "HEAD /fs/{0}")
    @ValueSource(strings = {"test.txt", "big.bin", "empty.txt", "exactly16k.bin"})
    void headHasTheHeadersOfGetAndNoBody(String name) throws IOException {
        RawResponse get = http.get("/fs/" + name);
        RawResponse head = http.request("HEAD", "/fs/" + name);
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        assertEquals(String.valueOf(Files.size(root.resolve(name))), head.header("Content-Length"));
        for (String h : List.of("Content-Length", "Content-Type", "ETag", "Last-Modified", "Accept-Ranges")) {
            assertEquals(get.header(h), head.header(h), h);
        }
    }

    @Test
    void validatorsAreTheFileTimeAndAStrongEtag() {
        RawResponse res = http.get("/fs/digits.bin");
        assertEquals(LAST_MODIFIED, res.header("Last-Modified"));
        assertEquals("\"" + Long.toHexString(MTIME) + "-64\"", res.header("ETag"));
    }

    static Stream<Arguments> ranges() {
        return Stream.of(
                // header, status, Content-Range, first byte, length
                Arguments.of("bytes=0-3", 206, "bytes 0-3/100", 0, 4),
                Arguments.of("bytes=5-", 206, "bytes 5-99/100", 5, 95),
                Arguments.of("bytes=-4", 206, "bytes 96-99/100", 96, 4),
                Arguments.of("bytes=-400", 206, "bytes 0-99/100", 0, 100),
                Arguments.of("bytes=99-99", 206, "bytes 99-99/100", 99, 1),
                Arguments.of("bytes=90-1000", 206, "bytes 90-99/100", 90, 10),
                Arguments.of("BYTES = 0-3", 200, null, 0, 100),
                Arguments.of("bytes=0-3,5-7", 200, null, 0, 100),
                Arguments.of("bytes=0-50,40-60", 200, null, 0, 100),
                Arguments.of("bytes=0-0,-1", 200, null, 0, 100),
                Arguments.of("bytes=5-3", 416, "bytes */100", 0, 0), // invalid: last before first, as nginx
                Arguments.of("bytes=x-3", 200, null, 0, 100),
                Arguments.of("bytes=-", 200, null, 0, 100),
                Arguments.of("lines=0-3", 200, null, 0, 100),
                Arguments.of("bytes=100-", 416, "bytes */100", 0, 0),
                Arguments.of("bytes=100-200", 416, "bytes */100", 0, 0),
                Arguments.of("bytes=-0", 416, "bytes */100", 0, 0));
    }

    @ParameterizedTest(name = "Range: {0} -> {1}")
    @MethodSource("ranges")
    void rangeOfASmallFile(String range, int status, String contentRange, int from, int length) {
        RawResponse res = http.get("/fs/digits.bin", "Range: " + range);
        assertRange(res, status, contentRange, DIGITS, from, length);
        assertEquals(0, http.fileRegions);
    }

    @ParameterizedTest(name = "Range: {0} -> {1}")
    @CsvSource({"bytes=20000-29999, 206, bytes 20000-29999/100000, 20000, 10000",
            "bytes=0-16384, 206, bytes 0-16384/100000, 0, 16385",
            "bytes=-20000, 206, bytes 80000-99999/100000, 80000, 20000",
            "bytes=0-1;2-3, 200, , 0, 100000",
            "bytes=100000-, 416, bytes */100000, 0, 0"})
    void rangeOfALargeFileGoesThroughTheFileRegion(String range, int status, String contentRange, int from,
                                                   int length) {
        RawResponse res = http.get("/fs/big.bin", "Range: " + range);
        assertRange(res, status, contentRange, BIG, from, length);
    }

    private static void assertRange(RawResponse res, int status, String contentRange, byte[] file, int from,
                                    int length) {
        assertEquals(status, res.status());
        assertEquals(contentRange, res.header("Content-Range"));
        assertEquals("bytes", res.header("Accept-Ranges"));
        assertEquals(String.valueOf(length), res.header("Content-Length"));
        assertArrayEquals(Arrays.copyOfRange(file, from, from + length), res.body());
        assertTrue(res.body().length <= file.length, "never more than the file");
    }

    @Test
    void rangeOfAnEmptyFileIsNotSatisfiable() {
        RawResponse res = http.get("/fs/empty.txt", "Range: bytes=0-0");
        assertEquals(416, res.status());
        assertEquals("bytes */0", res.header("Content-Range"));
    }

    @Test
    void headWithARangeAnswersTheRangeHeadersWithoutBody() {
        RawResponse res = http.request("HEAD", "/fs/big.bin", "Range: bytes=10-19");
        assertEquals(206, res.status());
        assertEquals("bytes 10-19/100000", res.header("Content-Range"));
        assertEquals("10", res.header("Content-Length"));
        assertEquals(0, res.body().length);
    }

    static Stream<Arguments> conditionals() {
        String etag = "\"" + Long.toHexString(MTIME) + "-64\"";
        return Stream.of(
                Arguments.of(List.of("If-None-Match: " + etag), 304),
                Arguments.of(List.of("If-None-Match: W/" + etag), 304),
                Arguments.of(List.of("If-None-Match: \"other\", " + etag), 304),
                Arguments.of(List.of("If-None-Match: *"), 304),
                Arguments.of(List.of("If-None-Match: \"other\""), 200),
                Arguments.of(List.of("If-Modified-Since: " + LAST_MODIFIED), 304),
                Arguments.of(List.of("If-Modified-Since: Wed, 25 Nov 2026 00:00:00 GMT"), 304),
                Arguments.of(List.of("If-Modified-Since: Tue, 24 Nov 2026 09:30:37 GMT"), 200),
                Arguments.of(List.of("If-Modified-Since: not a date"), 200),
                // If-None-Match decides when both are present.
                Arguments.of(List.of("If-None-Match: \"other\"", "If-Modified-Since: " + LAST_MODIFIED), 200),
                Arguments.of(List.of("If-None-Match: " + etag, "Range: bytes=0-3"), 304),
                // If-Range: the range only while the representation is unchanged.
                Arguments.of(List.of("Range: bytes=0-3", "If-Range: " + etag), 206),
                Arguments.of(List.of("Range: bytes=0-3", "If-Range: \"other\""), 200),
                Arguments.of(List.of("Range: bytes=0-3", "If-Range: W/" + etag), 200),
                Arguments.of(List.of("Range: bytes=0-3", "If-Range: " + LAST_MODIFIED), 206),
                Arguments.of(List.of("Range: bytes=0-3", "If-Range: Mon, 23 Nov 2026 09:30:38 GMT"), 200));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("conditionals")
    void conditionalRequests(List<String> headers, int status) {
        RawResponse res = http.get("/fs/digits.bin", headers.toArray(new String[0]));
        assertEquals(status, res.status());
        if (status == 304) {
            assertEquals(0, res.body().length);
            assertEquals("\"" + Long.toHexString(MTIME) + "-64\"", res.header("ETag"));
            assertEquals(LAST_MODIFIED, res.header("Last-Modified"));
            assertTrue(http.channel.isOpen(), "a 304 keeps the connection");
        } else {
            assertEquals(status == 206 ? 4 : 100, res.body().length);
        }
    }

    @Test
    void notModifiedCarriesNoContentLengthOfZero() {
        // RFC 9110 8.6: a 304 may only carry the Content-Length a 200 would have had.
        RawResponse res = http.get("/fs/digits.bin", "If-None-Match: *");
        assertEquals(304, res.status());
        String cl = res.header("Content-Length");
        assertTrue(cl == null || cl.equals("100"), "Content-Length: " + cl);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"/fs/somedir, /fs/somedir/",
            "/fs/somedir?sort=size&order=desc, /fs/somedir/?sort=size&order=desc",
            "/fs, /fs/",
            "/fs?format=json, /fs/?format=json",
            "/fs//somedir, /fs//somedir/"})
    void directoryWithoutTrailingSlashIsRedirectedKeepingTheQuery(String uri, String location) {
        RawResponse res = http.get(uri);
        assertEquals(302, res.status());
        assertEquals(location, res.header("Location"));
        assertEquals("0", res.header("Content-Length"));
        assertTrue(http.channel.isOpen());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/fs/nope.txt, /nope.txt",
            "/fs/somedir/nope/deeper.txt, /somedir/nope/deeper.txt",
            "/fs/nope%20with%20space/, /nope with space",
            "/fs/test.txt/more, /test.txt/more"})
    void unknownPathIs404WithTheOriginalsText(String uri, String path) {
        RawResponse res = http.get(uri);
        assertEquals(404, res.status());
        assertEquals("text/plain; charset=utf-8", res.header("Content-Type"));
        assertEquals("`" + path + "` not found in DFS\n", res.text());
        assertTrue(http.channel.isOpen(), "a 404 keeps the connection");
    }

    @Test
    void unknownTopLevelPathIs404() {
        assertEquals(404, http.get("/nothing-here").status());
        assertEquals(404, http.get("/fsx/test.txt").status());
    }

    @Test
    void fileThatVanishedFromDiskIs404() throws IOException {
        Files.delete(root.resolve("test.txt"));
        RawResponse res = http.get("/fs/test.txt");
        assertEquals(404, res.status());
        assertEquals("`/test.txt` not found in DFS\n", res.text());
    }

    @Test
    void fileReplacedByADirectoryOnDiskIs404() throws IOException {
        Files.delete(root.resolve("test.txt"));
        Files.createDirectory(root.resolve("test.txt"));
        assertEquals(404, http.get("/fs/test.txt").status());
    }

    @Test
    void fileOfAnotherNodeWithoutAClusterIsABadGateway() {
        tree = tree.apply(List.of(Trees.file("remote.bin", "gb", 10, MTIME)));
        RawResponse res = http.get("/fs/remote.bin");
        assertEquals(502, res.status());
        assertTrue(res.text().contains("gb"), res.text());
        assertTrue(http.channel.isOpen());
        assertEquals(200, http.get("/fs/test.txt").status(), "the connection serves on after a 502");
    }

    @Test
    void keepAliveByDefaultOnHttp11() {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, http.get("/fs/test.txt").status());
            assertTrue(http.channel.isOpen());
        }
    }

    @Test
    void connectionCloseIsHonoured() {
        RawResponse res = http.get("/fs/big.bin", "Connection: close");
        assertEquals(200, res.status());
        assertEquals("close", res.header("Connection"));
        assertEquals(BIG.length, res.body().length);
        assertFalse(http.channel.isOpen());
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws IOException {
        RawResponse closing = EmbeddedHttp.only(http.exchange("GET /fs/test.txt HTTP/1.0\r\n\r\n"), "GET");
        assertEquals(200, closing.status());
        assertFalse(http.channel.isOpen());
        assertFalse(http.channel.finish());

        http = new EmbeddedHttp(DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT)));
        RawResponse kept = EmbeddedHttp.only(
                http.exchange("GET /fs/test.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), "GET");
        assertEquals("keep-alive", kept.header("Connection"));
        assertTrue(http.channel.isOpen());
    }

    @Test
    void manyPipelinedRequestsInOneWriteAreAnsweredInOrderWithExactFraming() throws IOException {
        String[][] requests = {
                {"GET", "/fs/test.txt"}, {"HEAD", "/fs/big.bin"}, {"GET", "/fs/big.bin"}, {"GET", "/fs/nope"},
                {"GET", "/fs/somedir"}, {"GET", "/fs/"}, {"HEAD", "/fs/"}, {"GET", "/find/"},
                {"GET", "/fs/digits.bin", "Range: bytes=-4"}, {"GET", "/fs/digits.bin", "If-None-Match: *"},
                {"PUT", "/fs/x"}, {"GET", "/fs/empty.txt"}, {"GET", "/fs/%2e%2e/x"}, {"GET", "/fs/test.txt"}};
        StringBuilder raw = new StringBuilder();
        String[] methods = new String[requests.length];
        for (int i = 0; i < requests.length; i++) {
            methods[i] = requests[i][0];
            raw.append(requests[i][0]).append(' ').append(requests[i][1]).append(" HTTP/1.1\r\nHost: t\r\n");
            if (requests[i].length > 2) {
                raw.append(requests[i][2]).append("\r\n");
            }
            raw.append("\r\n");
        }
        // The 400 for the bad path closes the connection: the request after it is never answered.
        List<RawResponse> res = RawResponse.readAll(http.exchange(raw.toString()),
                Arrays.copyOf(methods, methods.length - 1));
        int[] statuses = res.stream().mapToInt(RawResponse::status).toArray();
        assertArrayEquals(new int[] {200, 200, 200, 404, 302, 200, 200, 200, 206, 304, 405, 200, 400}, statuses);
        assertEquals("Hello from dftp ga!\n", res.get(0).text());
        assertArrayEquals(BIG, res.get(2).body());
        assertEquals("6789", res.get(8).text());
        assertFalse(http.channel.isOpen(), "the 400 closes the connection");
    }

    @Test
    void fileBytesSentAreCountedButNotHeadsOr304s() throws IOException {
        DfsHttpContext ctx = DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT));
        http = new EmbeddedHttp(ctx);
        http.get("/fs/big.bin");
        http.get("/fs/test.txt");
        http.get("/fs/digits.bin", "Range: bytes=0-9");
        http.request("HEAD", "/fs/big.bin");
        http.get("/fs/big.bin", "If-None-Match: *");
        assertEquals(BIG.length + 20 + 10, ctx.metrics().bytesServedLocal.sum());
        assertEquals(Long.valueOf(3), ctx.metrics().responsesByStatus().get(200));
        assertEquals(Long.valueOf(1), ctx.metrics().responsesByStatus().get(206));
        assertEquals(Long.valueOf(1), ctx.metrics().responsesByStatus().get(304));
        // Every request timed, each once, heads and 304s too.
        assertEquals(5, ctx.metrics().httpDurations.snapshot().count());
    }

    private void write(String rel, byte[] content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        Files.setLastModifiedTime(p, FileTime.from(MTIME, TimeUnit.SECONDS));
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
