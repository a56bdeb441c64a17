package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compression on the production pipeline over an EmbeddedChannel: listings and {@code /find/} come back
 * gzip (or deflate) to a client that accepts it and decode to the very bytes of the identity answer;
 * files are never encoded and still leave as a FileRegion, with the compressor in the pipeline.
 */
@ExtendWith(NettyLeaks.class)
class CompressionTest {
    private static final String GZIP = "Accept-Encoding: gzip, deflate";
    static final byte[] BIG = FileResponseTest.random(100_000, 11);

    EmbeddedHttp http;

    @BeforeEach
    void aTreeWithListingsOfEverySize(@TempDir Path root) throws IOException {
        Files.write(root.resolve("big.bin"), BIG);
        Files.writeString(root.resolve("notes.txt"), "plain text that would compress well\n".repeat(2000));
        Path few = Files.createDirectories(root.resolve("few"));
        Files.writeString(few.resolve("one.txt"), "1");
        Path many = Files.createDirectories(root.resolve("many"));
        for (int i = 0; i < 40; i++) {
            Files.writeString(many.resolve("file-with-a-longish-name-" + i + ".txt"), "x");
        }
        Path huge = Files.createDirectories(root.resolve("huge"));
        for (int i = 0; i < 600; i++) {
            Files.writeString(huge.resolve("entry-" + i + ".dat"), "y");
        }
        DfsTree tree = Trees.fromDisk(root, "ga");
        http = new EmbeddedHttp(DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT)));
    }

    @AfterEach
    void nothingLeftInTheChannel() {
        assertFalse(http.channel.finish());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/fs/many/", "/fs/many/?format=json", "/find/", "/find/?prefix=/many&q=*.txt"})
    void aListingOrFindIsGzipAndDecodesToTheIdentityBytes(String uri) throws IOException {
        RawResponse plain = http.get(uri);
        RawResponse gz = http.get(uri, GZIP);
        assertEquals(200, gz.status());
        assertTrue(plain.body().length >= ListingCompressor.MIN_SIZE, "a test body worth compressing");
        assertNull(plain.header("Content-Encoding"));
        assertEquals("gzip", gz.header("Content-Encoding"));
        assertTrue(varies(gz).contains("Accept-Encoding"), varies(gz));
        assertEquals(varies(gz), varies(plain), "both variants say what they vary on");
        assertEquals(plain.header("Content-Type"), gz.header("Content-Type"));
        assertTrue(gz.body().length < plain.body().length);
        assertArrayEquals(plain.body(), gunzip(gz.body()));
    }

    @Test
    void aListingStreamedInChunksIsGzipInChunksAndDecodesToTheIdentityBytes() throws IOException {
        RawResponse plain = http.get("/fs/huge/");
        assertTrue(plain.chunked() && plain.body().length > BodySource.CHUNK, "a streamed listing");
        RawResponse gz = http.get("/fs/huge/", "Accept-Encoding: gzip");
        assertEquals("gzip", gz.header("Content-Encoding"));
        assertTrue(gz.chunked());
        assertNull(gz.header("Content-Length"));
        assertArrayEquals(plain.body(), gunzip(gz.body()));
    }

    @Test
    void deflateWhenTheClientAsksForItAlone() throws IOException {
        RawResponse plain = http.get("/fs/many/");
        RawResponse deflated = http.get("/fs/many/", "Accept-Encoding: deflate");
        assertEquals("deflate", deflated.header("Content-Encoding"));
        assertArrayEquals(plain.body(), new InflaterInputStream(new ByteArrayInputStream(deflated.body())).readAllBytes());
    }

    @Test
    void aSmallListingGoesOutAsItIs() {
        // The original's page of a few rows: the default page, with its style, is always worth compressing.
        RawResponse res = http.get("/fs/few/?format=nginx", GZIP);
        assertTrue(res.body().length < ListingCompressor.MIN_SIZE);
        assertNull(res.header("Content-Encoding"));
        assertTrue(varies(res).contains("Accept-Encoding"), varies(res));
        assertEquals(String.valueOf(res.body().length), res.header("Content-Length"));
    }

    @Test
    void headOfAListingHasTheIdentityHeadersAndNoBody() {
        RawResponse get = http.get("/fs/many/");
        RawResponse head = http.request("HEAD", "/fs/many/", GZIP);
        assertEquals(200, head.status());
        assertNull(head.header("Content-Encoding"));
        assertTrue(varies(head).contains("Accept-Encoding"), varies(head));
        assertEquals(get.header("Content-Length"), head.header("Content-Length"));
        assertEquals(0, head.body().length);
    }

    @Test
    void aRangeOnAListingIsIgnoredAndTheWholeListingComesGzip() throws IOException {
        RawResponse plain = http.get("/fs/many/");
        RawResponse gz = http.get("/fs/many/", GZIP, "Range: bytes=0-99");
        assertEquals(200, gz.status());
        assertNull(gz.header("Content-Range"));
        assertEquals("gzip", gz.header("Content-Encoding"));
        assertArrayEquals(plain.body(), gunzip(gz.body()));
    }

    @Test
    void aNotModifiedFileIsAnsweredWithoutAnEncoding() {
        String etag = http.get("/fs/big.bin").header("ETag");
        RawResponse res = http.get("/fs/big.bin", GZIP, "If-None-Match: " + etag);
        assertEquals(304, res.status());
        assertNull(res.header("Content-Encoding"));
        assertEquals(0, res.body().length);
        RawResponse listing = http.get("/fs/many/", GZIP, "If-None-Match: *");
        assertEquals(200, listing.status(), "a listing has no validators, so no 304 of it");
        assertNull(listing.header("ETag"));
        assertEquals("gzip", listing.header("Content-Encoding"));
    }

    @Test
    void anHttp10ClientGetsTheIdentityListing() throws IOException {
        byte[] identity = http.get("/fs/huge/").body();
        byte[] out = http.exchange("GET /fs/huge/ HTTP/1.0\r\nHost: test\r\n" + GZIP + "\r\n\r\n");
        RawResponse res = EmbeddedHttp.only(out, "GET");
        assertEquals(200, res.status());
        assertNull(res.header("Content-Encoding"));
        assertNull(res.header("Transfer-Encoding"));
        assertArrayEquals(identity, res.body());
        assertTrue(res.text().endsWith("</body></html>\n"));
    }

    @Test
    void aFileAskedForWithGzipIsNotEncodedAndStillGoesOutAsAFileRegion() throws IOException {
        assertNotNull(http.channel.pipeline().get(PublicHttpInitializer.COMPRESS), "the compressor is in the pipeline");
        RawResponse res = http.get("/fs/big.bin", GZIP);
        assertEquals(200, res.status());
        assertNull(res.header("Content-Encoding"));
        assertNull(res.header("Vary"));
        assertEquals(String.valueOf(BIG.length), res.header("Content-Length"));
        assertArrayEquals(BIG, res.body());
        assertEquals(1, http.fileRegions, "sent by sendfile");
    }

    @Test
    void aFileAsTextOrARangeOfItIsNotEncodedEither() {
        RawResponse text = http.get("/fs/notes.txt?format=txt", GZIP);
        assertEquals("text/plain; charset=utf-8", text.header("Content-Type"));
        assertNull(text.header("Content-Encoding"));
        assertEquals(72_000, text.body().length);
        RawResponse range = http.get("/fs/big.bin", GZIP, "Range: bytes=1000-49999");
        assertEquals(206, range.status());
        assertNull(range.header("Content-Encoding"));
        assertArrayEquals(java.util.Arrays.copyOfRange(BIG, 1000, 50_000), range.body());
        assertEquals(2, http.fileRegions);
    }

    @Test
    void pipelinedRequestsOnOneConnectionEachGetTheirOwnEncoding() throws IOException {
        String req = "GET %s HTTP/1.1\r\nHost: test\r\n%s\r\n";
        byte[] out = http.exchange(String.format(req, "/fs/many/", GZIP + "\r\n")
                + String.format(req, "/fs/big.bin", GZIP + "\r\n")
                + String.format(req, "/fs/many/", "")
                + String.format(req, "/fs/huge/", GZIP + "\r\n")
                + String.format(req, "/find/", ""));
        List<RawResponse> all = RawResponse.readAll(out, "GET", "GET", "GET", "GET", "GET");
        assertEquals(5, all.size());
        assertEquals("gzip", all.get(0).header("Content-Encoding"));
        assertArrayEquals(all.get(2).body(), gunzip(all.get(0).body()));
        assertNull(all.get(1).header("Content-Encoding"));
        assertArrayEquals(BIG, all.get(1).body());
        assertNull(all.get(2).header("Content-Encoding"));
        assertEquals("gzip", all.get(3).header("Content-Encoding"));
        assertTrue(new String(gunzip(all.get(3).body()), java.nio.charset.StandardCharsets.UTF_8)
                .contains("entry-599.dat"));
        assertNull(all.get(4).header("Content-Encoding"));
        assertEquals(1, http.fileRegions);
    }

    /** Every value of the response's {@code Vary} headers. */
    static String varies(RawResponse res) {
        return String.join(", ", res.headers().getOrDefault("vary", List.of()));
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        return new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes();
    }
}
