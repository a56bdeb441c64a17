package org.dftp.netty.http;

import static org.dftp.netty.testing.Trees.dir;
import static org.dftp.netty.testing.Trees.file;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.testing.RawResponse;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Directory listings on the production pipeline over an EmbeddedChannel: {@code ?format=nginx} as the Go
 * captures, JSON, sorting (the default page has its own {@link ListingPageTest}).
 */
class ListingTest extends ListingFixture {
    private static final Pattern ROW_NAME = Pattern.compile("(?m)(?:^|<pre>|<tr><td>)<a href=\"([^\"]*)\">([^<]*)</a>");

    @Test
    void rootListingAsNginxIsTheGoCaptureByteForByte() throws IOException {
        RawResponse res = http.get("/fs/?format=nginx");
        assertEquals(200, res.status());
        assertEquals("text/html; charset=utf-8", res.header("Content-Type"));
        assertEquals(new String(capture("listing-root.html"), StandardCharsets.UTF_8), res.text());
        assertArrayEquals(capture("listing-root.html"), res.body());
    }

    @Test
    void subdirectoryListingAsNginxIsTheGoCaptureByteForByte() throws IOException {
        RawResponse res = http.get("/fs/somedir/?format=nginx");
        assertEquals(200, res.status());
        assertEquals(new String(capture("listing-somedir.html"), StandardCharsets.UTF_8), res.text());
        assertArrayEquals(capture("listing-somedir.html"), res.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Wget/1.21.3", "wget2/2.1.0", "curl/8.5.0",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"})
    void everyClientGetsTheSamePageWhateverItsUserAgentAndNoPageVariesOnIt(String agent) throws IOException {
        RawResponse plain = http.get("/fs/");
        RawResponse res = http.get("/fs/", "User-Agent: " + agent);
        assertArrayEquals(plain.body(), res.body());
        assertFalse(res.text().contains("format=txt"), "no per-file alternate for wget -r to fetch: " + res.text());
        assertFalse(res.headers().get("vary").contains("User-Agent"), res.headers().toString());
        RawResponse nginx = http.get("/fs/?format=nginx", "User-Agent: " + agent);
        assertArrayEquals(capture("listing-root.html"), nginx.body(), "?format=nginx keeps its txt links for wget too");
        assertFalse(nginx.headers().get("vary").contains("User-Agent"), nginx.headers().toString());
    }

    @Test
    void subdirectoryListingStartsWithTheParentRowAndTheRootHasNone() {
        for (String format : List.of("", "?format=nginx")) {
            assertEquals(List.of("../", "nested/", "c.jpg"), shownNames(http.get("/fs/somedir/" + format).text()));
            assertFalse(http.get("/fs/" + format).text().contains("\">../</a>"));
        }
    }

    @Test
    void directoryFedByTwoNodesIsOwnedByMultipleAndASingleOwnerDirectoryByItsNode() {
        String root = http.get("/fs/?format=nginx").text();
        assertTrue(root.contains("[DIR]       (multiple)\r\n"), root);
        String somedir = http.get("/fs/somedir/?format=nginx").text();
        assertTrue(somedir.contains("[DIR]       ga\r\n"), somedir);
    }

    @Test
    void withdrawnEntriesAreNotListed() {
        tree = tree.apply(List.of(Change.withdraw(DfsPath.of("test.txt"), "ga"),
                Change.withdraw(DfsPath.of("somedir/c.jpg"), "gb")));
        assertFalse(shownNames(http.get("/fs/").text()).contains("test.txt"));
        assertEquals(List.of("../", "nested/"), shownNames(http.get("/fs/somedir/").text()));
    }

    @Test
    void emptyDirectoryListsOnlyTheParentRow() {
        RawResponse res = http.get("/fs/somedir/nested/?format=nginx");
        assertEquals(200, res.status());
        assertEquals(List.of("../"), shownNames(res.text()));
        assertTrue(res.text().startsWith("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Index of /somedir/nested</title>"));
        assertEquals(List.of("../"), shownNames(http.get("/fs/somedir/nested/").text()));
    }

    @Test
    void listingOfAnEmptyDfsIsAnEmptyPage() {
        tree = DfsTree.EMPTY;
        assertEquals(List.of(), shownNames(http.get("/fs/").text()));
        RawResponse res = http.get("/fs/?format=nginx");
        assertEquals(200, res.status());
        assertEquals(List.of(), shownNames(res.text()));
        assertTrue(res.text().endsWith("</pre><hr/></body></html>"));
    }

    @Test
    void namesWithMarkupAndUrlCharactersAreEscapedInTextAndEncodedInLinks() {
        long t = Trees.CAPTURE_TIME;
        tree = Trees.of(file("a<b>\"c\"&d?e#f's.txt", "ga", 1, t), file("é ü.txt", "ga", 2, t),
                file("100%.txt", "ga", 3, t), dir("<dir>", "g<b>", t), file("日本.txt", "ga", 4, t));
        String page = http.get("/fs/?format=nginx").text();
        assertTrue(page.contains("<a href=\"%3Cdir%3E/\">&lt;dir&gt;/</a>"), page);
        assertTrue(page.contains("g&lt;b&gt;\r\n"), page);
        assertTrue(page.contains("<a href=\"a%3Cb%3E%22c%22%26d%3Fe%23f%27s.txt\">a&lt;b&gt;&quot;c&quot;&amp;d?e#f&#39;s.txt</a>"), page);
        assertTrue(page.contains("<a href=\"a%3Cb%3E%22c%22%26d%3Fe%23f%27s.txt?format=txt\""), page);
        assertTrue(page.contains("<a href=\"%C3%A9%20%C3%BC.txt\">é ü.txt</a>"), page);
        assertTrue(page.contains("<a href=\"100%25.txt\">100%.txt</a>"), page);
        assertTrue(page.contains("<a href=\"%E6%97%A5%E6%9C%AC.txt\">日本.txt</a>"), page);
        // Every href leads back to its entry.
        Matcher m = ROW_NAME.matcher(page);
        int rows = 0;
        while (m.find()) {
            RawResponse res = http.request("HEAD", "/fs/" + m.group(1));
            assertTrue(res.status() == 200 || res.status() == 502, m.group(1) + " -> " + res.status());
            rows++;
        }
        assertEquals(5, rows);
    }

    @Test
    void wideNamesAreStillFollowedByTheirColumns() {
        tree = Trees.of(file("x".repeat(80) + ".bin", "ga", 7, Trees.CAPTURE_TIME));
        String page = http.get("/fs/?format=nginx").text();
        assertTrue(page.contains(".bin</a> 2026-11-24 09:30"), page);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/fs/?format=json", "/fs/?format=json&sort=name"})
    void jsonListingByQuery(String uri) throws IOException {
        assertRootJson(http.get(uri));
    }

    @Test
    void jsonListingByAcceptHeader() throws IOException {
        assertRootJson(http.get("/fs/", "Accept: text/html;q=0.5, application/json"));
    }

    @Test
    void formatQueryWinsOverTheAcceptHeader() {
        for (String format : List.of("html", "nginx")) {
            RawResponse res = http.get("/fs/?format=" + format, "Accept: application/json");
            assertEquals("text/html; charset=utf-8", res.header("Content-Type"));
        }
        assertArrayEquals(http.get("/fs/").body(), http.get("/fs/?format=html").body());
    }

    @Test
    void jsonListingEscapesNames() throws IOException {
        tree = Trees.of(file("quote\"back\u00e9 \u2028.txt", "ga", 5, Trees.CAPTURE_TIME));
        JsonNode rows = new ObjectMapper().readTree(http.get("/fs/?format=json").body());
        assertEquals("quote\"back\u00e9 \u2028.txt", rows.get(0).get("name").asText());
    }

    private static void assertRootJson(RawResponse res) throws IOException {
        assertEquals(200, res.status());
        assertEquals("application/json; charset=utf-8", res.header("Content-Type"));
        JsonNode rows = new ObjectMapper().readTree(res.body());
        assertTrue(rows.isArray());
        assertEquals(8, rows.size());
        JsonNode somedir = rows.get(0);
        assertEquals("somedir", somedir.get("name").asText());
        assertEquals("directory", somedir.get("type").asText());
        assertEquals("(multiple)", somedir.get("owner").asText());
        JsonNode big = rows.get(1);
        assertEquals("big1g.bin", big.get("name").asText());
        assertEquals("file", big.get("type").asText());
        assertEquals(1L << 30, big.get("size").asLong());
        assertEquals("ga", big.get("owner").asText());
        assertEquals("Tue, 24 Nov 2026 09:30:38 GMT", big.get("mtime").asText());
        assertEquals("gb", rows.get(2).get("owner").asText());
        assertTrue(big.get("writable").isBoolean());
        assertFalse(big.get("writable").asBoolean(), "a read-only server: nobody may write");
    }

    static Stream<Arguments> orders() {
        return Stream.of(
                Arguments.of("", List.of("somedir/", "big1g.bin", "bigb1g.bin", "f100k.bin", "f64m.bin", "fb64m.bin",
                        "small1k.bin", "test.txt")),
                Arguments.of("?sort=name&order=desc", List.of("somedir/", "test.txt", "small1k.bin", "fb64m.bin",
                        "f64m.bin", "f100k.bin", "bigb1g.bin", "big1g.bin")),
                Arguments.of("?order=desc", List.of("somedir/", "test.txt", "small1k.bin", "fb64m.bin",
                        "f64m.bin", "f100k.bin", "bigb1g.bin", "big1g.bin")),
                Arguments.of("?sort=size", List.of("somedir/", "test.txt", "small1k.bin", "f100k.bin", "f64m.bin",
                        "fb64m.bin", "big1g.bin", "bigb1g.bin")),
                Arguments.of("?sort=size&order=desc", List.of("somedir/", "big1g.bin", "bigb1g.bin", "f64m.bin",
                        "fb64m.bin", "f100k.bin", "small1k.bin", "test.txt")),
                Arguments.of("?sort=mtime&order=desc", List.of("somedir/", "f64m.bin", "fb64m.bin", "big1g.bin",
                        "bigb1g.bin", "f100k.bin", "small1k.bin", "test.txt")),
                Arguments.of("?sort=mtime&order=asc", List.of("somedir/", "big1g.bin", "bigb1g.bin", "f100k.bin",
                        "small1k.bin", "test.txt", "f64m.bin", "fb64m.bin")));
    }

    @ParameterizedTest(name = "/fs/{0}")
    @MethodSource("orders")
    void listingSortsDirectoriesFirstThenByTheRequestedKey(String query, List<String> expected) throws IOException {
        String and = query.isEmpty() ? "?" : "&";
        assertEquals(expected, shownNames(http.get("/fs/" + query).text()));
        assertEquals(expected, shownNames(http.get("/fs/" + query + and + "format=nginx").text()));
        JsonNode rows = new ObjectMapper().readTree(
                http.get("/fs/" + query + and + "format=json").body());
        List<String> jsonNames = new ArrayList<>();
        rows.forEach(r -> jsonNames.add(r.get("name").asText() + ("directory".equals(r.get("type").asText()) ? "/" : "")));
        assertEquals(expected, jsonNames);
    }

    @ParameterizedTest(name = "/fs/{0}")
    @ValueSource(strings = {"?sort=owner", "?sort=", "?order=up", "?sort=size&order=", "?sort=size%00"})
    void unknownSortKeyOrOrderIs400(String query) {
        RawResponse res = http.get("/fs/" + query);
        assertEquals(400, res.status());
        assertEquals("text/plain; charset=utf-8", res.header("Content-Type"));
        assertTrue(res.text().contains("sort must be") || res.text().contains("order must be"), res.text());
    }

    @Test
    void headOfAListingHasTheHeadersOfGetAndNoBody() {
        RawResponse get = http.get("/fs/somedir/");
        RawResponse head = http.request("HEAD", "/fs/somedir/");
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        assertEquals(String.valueOf(get.body().length), head.header("Content-Length"));
        assertEquals(get.header("Content-Type"), head.header("Content-Type"));
    }

    @ParameterizedTest(name = "/fs/big/{0}")
    @ValueSource(strings = {"", "?format=nginx"})
    void largeListingIsStreamedChunkedAndComplete(String format) {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            changes.add(file(String.format("big/f%05d.txt", i), "ga", i, Trees.CAPTURE_TIME));
        }
        tree = DfsTree.EMPTY.apply(changes);
        RawResponse res = http.get("/fs/big/" + format);
        assertEquals(200, res.status());
        assertTrue(res.chunked());
        assertNull(res.header("Content-Length"));
        List<String> names = shownNames(res.text());
        assertEquals(5001, names.size());
        assertEquals("f04999.txt", names.get(5000));
        assertTrue(res.text().endsWith(format.isEmpty() ? "</body></html>\n" : "</pre><hr/></body></html>"));

        RawResponse head = http.request("HEAD", "/fs/big/" + format);
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
    }

    static List<String> shownNames(String page) {
        List<String> out = new ArrayList<>();
        Matcher m = ROW_NAME.matcher(page);
        while (m.find()) {
            out.add(m.group(2));
        }
        return out;
    }

    static byte[] capture(String name) throws IOException {
        try (InputStream in = ListingTest.class.getResourceAsStream("/go-dftp/" + name)) {
            if (in == null) {
                throw new IOException("golden capture " + name + " is not on the test classpath");
            }
            return in.readAllBytes();
        }
    }
}
