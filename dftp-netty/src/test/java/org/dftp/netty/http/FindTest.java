package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.testing.EmbeddedHttp;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.RawResponse;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /find/}: every entry, {@code ?prefix=}, {@code ?q=} globs, errors, and a large tree streamed. */
@ExtendWith(NettyLeaks.class)
class FindTest {
    static final List<String> ALL = List.of("/big1g.bin", "/bigb1g.bin", "/f100k.bin", "/f64m.bin", "/fb64m.bin",
            "/small1k.bin", "/somedir", "/somedir/c.jpg", "/somedir/nested", "/test.txt");

    private DfsTree tree = Trees.goCaptures();
    private final EmbeddedHttp http = new EmbeddedHttp(DfsHttpContext.local(() -> tree, "ga", null));

    @AfterEach
    void nothingLeftInTheChannel() {
        assertFalse(http.channel.finish());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/find/", "/find", "/find/?prefix=/", "/find/?prefix=", "/find/?q="})
    void findListsEveryFileAndDirectoryWithALeadingSlash(String uri) {
        RawResponse res = http.get(uri);
        assertEquals(200, res.status());
        assertEquals("text/plain; charset=utf-8", res.header("Content-Type"));
        assertEquals(ALL, lines(res));
        assertTrue(res.text().endsWith("\n"));
    }

    static Stream<Arguments> queries() {
        return Stream.of(
                Arguments.of("?prefix=/somedir", List.of("/somedir/c.jpg", "/somedir/nested")),
                Arguments.of("?prefix=somedir/", List.of("/somedir/c.jpg", "/somedir/nested")),
                Arguments.of("?prefix=%2Fsomedir%2Fnested", List.of()),
                Arguments.of("?prefix=/test.txt", List.of("/test.txt")),
                Arguments.of("?q=*.txt", List.of("/test.txt")),
                Arguments.of("?q=*.bin", List.of("/big1g.bin", "/bigb1g.bin", "/f100k.bin", "/f64m.bin", "/fb64m.bin",
                        "/small1k.bin")),
                Arguments.of("?q=c.jpg", List.of("/somedir/c.jpg")),
                Arguments.of("?q=?.jpg", List.of("/somedir/c.jpg")),
                Arguments.of("?q=*", ALL),
                Arguments.of("?q=some*", List.of("/somedir")),
                Arguments.of("?q=/somedir/*", List.of("/somedir/c.jpg", "/somedir/nested")),
                Arguments.of("?q=/*", List.of("/big1g.bin", "/bigb1g.bin", "/f100k.bin", "/f64m.bin", "/fb64m.bin",
                        "/small1k.bin", "/somedir", "/test.txt")),
                Arguments.of("?q=**/c.jpg", List.of("/somedir/c.jpg")),
                Arguments.of("?q=/**", ALL),
                Arguments.of("?q=/s*/n*", List.of("/somedir/nested")),
                Arguments.of("?q={*.jpg,*.txt}", List.of("/somedir/c.jpg", "/test.txt")),
                Arguments.of("?q=[bf]*.bin", List.of("/big1g.bin", "/bigb1g.bin", "/f100k.bin", "/f64m.bin",
                        "/fb64m.bin")),
                Arguments.of("?q=[!bf]*.bin", List.of("/small1k.bin")),
                Arguments.of("?q=f[0-9]*", List.of("/f100k.bin", "/f64m.bin")),
                Arguments.of("?q=test\\.txt", List.of("/test.txt")),
                Arguments.of("?q=TEST.TXT", List.of()),
                Arguments.of("?q=*.jpg&prefix=/somedir", List.of("/somedir/c.jpg")),
                Arguments.of("?q=*.txt&prefix=/somedir", List.of()),
                Arguments.of("?q=%2A.txt", List.of("/test.txt")));
    }

    @ParameterizedTest(name = "/find/{0}")
    @MethodSource("queries")
    void findFiltersByPrefixAndGlob(String query, List<String> expected) {
        RawResponse res = http.get("/find/" + query);
        assertEquals(200, res.status(), res.text());
        assertEquals(expected, lines(res));
    }

    @Test
    void findOfAMissingPrefixIs404() {
        RawResponse res = http.get("/find/?prefix=/nope");
        assertEquals(404, res.status());
        assertEquals("`/nope` not found in DFS\n", res.text());
    }

    @ParameterizedTest(name = "q={0}")
    @ValueSource(strings = {"[abc", "{a,b", "a}", "abc%5C", "[]", "[!]", "{{a}"})
    void malformedGlobIs400(String glob) {
        RawResponse res = http.get("/find/?q=" + glob);
        assertEquals(400, res.status());
        assertTrue(res.text().contains("q"), res.text());
    }

    @Test
    void overLongGlobIs400() {
        assertEquals(400, http.get("/find/?q=" + "a".repeat(Glob.MAX_LENGTH + 1)).status());
    }

    @ParameterizedTest(name = "q={0}")
    @ValueSource(strings = {"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "**a**a**a**a**a**a**a**a**a**a**a**b",
            "*********************************************b", "{*a,*a}{*a,*a}{*a,*a}{*a,*a}*b",
            "?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*b"})
    void pathologicalGlobAnswersPromptly(String glob) {
        // One directory of long names that almost match: a backtracking matcher takes ages on each.
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            changes.add(Trees.file("d/" + "a".repeat(200) + i, "ga", 1, Trees.CAPTURE_TIME));
        }
        tree = DfsTree.EMPTY.apply(changes);
        String q = glob.replace("{", "%7B").replace("}", "%7D");
        RawResponse res = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> http.get("/find/?q=" + q));
        assertTrue(res.status() == 200 || res.status() == 400, "status " + res.status());
        if (res.status() == 200) {
            assertEquals(List.of(), lines(res));
        }
    }

    @Test
    void rawUtf8PrefixIsDecodedAsUtf8() {
        tree = Trees.of(Trees.file("日本/x.txt", "ga", 1, Trees.CAPTURE_TIME));
        String raw = new String("/find/?prefix=/日本".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        RawResponse res = http.get(raw);
        assertEquals(200, res.status());
        assertEquals(List.of("/日本/x.txt"), lines(res));
        assertEquals(List.of("/日本/x.txt"), lines(http.get("/find/?prefix=%2F%E6%97%A5%E6%9C%AC")));
    }

    @Test
    void twoHundredThousandEntriesAreStreamedChunkedAndComplete() {
        tree = bigTree(200, 1000);
        RawResponse res = http.get("/find/");
        assertEquals(200, res.status());
        assertTrue(res.chunked(), "streamed, not built whole");
        assertNull(res.header("Content-Length"));
        List<String> lines = lines(res);
        assertEquals(200 * 1000 + 200, lines.size());
        assertEquals(lines.size(), new HashSet<>(lines).size(), "no entry twice");
        assertEquals("/d000", lines.get(0));
        assertEquals("/d000/f0000.bin", lines.get(1));
        assertEquals("/d199/f0999.bin", lines.get(lines.size() - 1));
        assertTrue(http.channel.isOpen());
        assertEquals(200, http.get("/find/?prefix=/d042").status(), "the connection serves on");
    }

    @Test
    void sparseGlobOverALargeTreeFindsExactlyItsMatches() {
        tree = bigTree(100, 1000);
        List<String> lines = lines(http.get("/find/?q=f0999.bin"));
        assertEquals(100, lines.size());
        Set<String> expected = new HashSet<>();
        for (int d = 0; d < 100; d++) {
            expected.add("/d" + pad(d, 3) + "/f0999.bin");
        }
        assertEquals(expected, new HashSet<>(lines));
    }

    @Test
    void headOfALargeFindIsChunkedHeadersOnly() throws Exception {
        tree = bigTree(20, 1000);
        List<RawResponse> res = RawResponse.readAll(
                http.exchange("HEAD /find/ HTTP/1.1\r\nHost: t\r\n\r\nGET /find/?prefix=/d001 HTTP/1.1\r\nHost: t\r\n\r\n"),
                "HEAD", "GET");
        assertEquals(200, res.get(0).status());
        assertEquals(0, res.get(0).body().length);
        assertEquals(1000, lines(res.get(1)).size(), "the HEAD left no stray chunk before the next response");
    }

    static DfsTree bigTree(int dirs, int filesPerDir) {
        List<Change> changes = new ArrayList<>(dirs * filesPerDir);
        for (int d = 0; d < dirs; d++) {
            for (int f = 0; f < filesPerDir; f++) {
                changes.add(Trees.file("d" + pad(d, 3) + "/f" + pad(f, 4) + ".bin", "ga", f, Trees.CAPTURE_TIME));
            }
        }
        return DfsTree.EMPTY.apply(changes);
    }

    /** Zero-padded, without String.format: it alone took seconds for 200,000 names. */
    static String pad(int n, int width) {
        String s = Integer.toString(n);
        return "0".repeat(Math.max(0, width - s.length())) + s;
    }

    static List<String> lines(RawResponse res) {
        String text = res.text();
        return text.isEmpty() ? List.of() : List.of(text.split("\r?\n"));
    }
}
