package org.dftp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DfsPathTest {

    /** The three doors into DfsPath; every row of the tables names the one it goes through. */
    enum Door {
        OF(DfsPath::of), URI(DfsPath::fromUri), WIRE(DfsPath::fromWire);

        final Function<String, DfsPath> parse;

        Door(Function<String, DfsPath> parse) {
            this.parse = parse;
        }
    }

    static final String SEG_255 = "x".repeat(255);
    static final String SEG_256 = "x".repeat(256);
    /** 16 segments of 255 bytes and 15 slashes: 4095 bytes, one short of the limit. */
    static final String PATH_4095 = String.join("/", Collections.nCopies(16, SEG_255));

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of(Door.OF, "", ""),
                Arguments.of(Door.OF, "/", ""),
                Arguments.of(Door.OF, "/a/b", "a/b"),
                Arguments.of(Door.OF, "a/b/", "a/b"),
                Arguments.of(Door.OF, "//a///b//", "a/b"),                      // merged slashes, as nginx does
                Arguments.of(Door.OF, "/...", "..."),                           // only exactly . and .. are special
                Arguments.of(Door.OF, "/..a/a..", "..a/a.."),
                Arguments.of(Door.OF, "/.hidden", ".hidden"),
                Arguments.of(Door.OF, "/a b/ c ", "a b/ c "),
                Arguments.of(Door.OF, "/a%2fb", "a%2fb"),                       // of() takes decoded paths: % is a plain char
                Arguments.of(Door.OF, "/ünïcödé/日本.txt", "ünïcödé/日本.txt"),
                Arguments.of(Door.OF, "/emoji😀", "emoji😀"),                   // a proper surrogate pair
                Arguments.of(Door.OF, "/" + SEG_255, SEG_255),
                Arguments.of(Door.OF, "/" + PATH_4095 + "/", PATH_4095),
                Arguments.of(Door.OF, "/" + PATH_4095.substring(1) + "/y", PATH_4095.substring(1) + "/y"), // exactly 4096 bytes
                Arguments.of(Door.OF, "/" + "ü".repeat(127), "ü".repeat(127)), // 254 bytes

                Arguments.of(Door.URI, "/", ""),
                Arguments.of(Door.URI, "/somedir/c.jpg", "somedir/c.jpg"),
                Arguments.of(Door.URI, "//a//b/", "a/b"),
                Arguments.of(Door.URI, "/a%20b", "a b"),
                Arguments.of(Door.URI, "/a+b", "a+b"),                           // + is not a space in a path
                Arguments.of(Door.URI, "/%C3%BC%c3%bc", "üü"),                  // both hex cases
                Arguments.of(Door.URI, "/%E6%97%A5%E6%9C%AC.txt", "日本.txt"),
                Arguments.of(Door.URI, "/%F0%9F%98%80", "😀"),
                Arguments.of(Door.URI, "/ü/日本", "ü/日本"),                      // raw UTF-8, as some clients send it
                Arguments.of(Door.URI, "/ü%C3%BC/😀%20", "üü/😀 "),            // raw and encoded mixed
                Arguments.of(Door.URI, "/a%2Eb", "a.b"),
                Arguments.of(Door.URI, "/%2e%2e%2e", "..."),
                Arguments.of(Door.URI, "/%25", "%"),                            // %25 decodes once, never twice
                Arguments.of(Door.URI, "/%252e%252e", "%2e%2e"),

                Arguments.of(Door.WIRE, "somedir/c.jpg", "somedir/c.jpg"),
                Arguments.of(Door.WIRE, "somedir", "somedir"),
                Arguments.of(Door.WIRE, "ünïcödé/日本.txt", "ünïcödé/日本.txt"));
    }

    @ParameterizedTest(name = "{0} accepts \"{1}\"")
    @MethodSource("accepted")
    void acceptsAndNormalizes(Door door, String input, String wire) {
        DfsPath p = door.parse.apply(input);
        assertEquals(wire, p.wire());
        assertEquals("/" + wire, p.toString());
        // The wire form parses back to the same path: normalization is idempotent.
        assertEquals(p, DfsPath.fromWire(p.wire()));
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of(Door.OF, ".."),
                Arguments.of(Door.OF, "/a/../b"),
                Arguments.of(Door.OF, "/a/.."),
                Arguments.of(Door.OF, "."),
                Arguments.of(Door.OF, "/a/./b"),
                Arguments.of(Door.OF, "/a\\b"),                                 // backslash: a separator on Windows
                Arguments.of(Door.OF, "/..\\a"),
                Arguments.of(Door.OF, "/a\u0000b"),
                Arguments.of(Door.OF, "/a\nb"),
                Arguments.of(Door.OF, "/a\u007fb"),
                Arguments.of(Door.OF, "/a\ud800b"),                             // lone high surrogate
                Arguments.of(Door.OF, "/a\udc00b"),                             // lone low surrogate
                Arguments.of(Door.OF, "/a\ud800"),                              // high surrogate at the end
                Arguments.of(Door.OF, "/\udc00\ud800"),                         // a pair in the wrong order
                Arguments.of(Door.OF, "/" + SEG_256),
                Arguments.of(Door.OF, "/" + "ü".repeat(128)),                   // 128 chars, 256 bytes
                Arguments.of(Door.OF, "/" + PATH_4095 + "/yz"),                 // 4097 bytes
                Arguments.of(Door.OF, "/a" + "/".repeat(9000)),                  // too long before merging

                Arguments.of(Door.URI, "/.."),
                Arguments.of(Door.URI, "/%2e%2e"),
                Arguments.of(Door.URI, "/%2E%2E/etc/passwd"),
                Arguments.of(Door.URI, "/a/%2e%2e/%2e%2e/b"),
                Arguments.of(Door.URI, "/.%2e"),
                Arguments.of(Door.URI, "/%2e"),
                Arguments.of(Door.URI, "/a%2fb"),                               // an encoded slash is never a separator
                Arguments.of(Door.URI, "/a%2Fb"),
                Arguments.of(Door.URI, "/..%2f..%2fetc"),
                Arguments.of(Door.URI, "/a%5cb"),                               // encoded backslash
                Arguments.of(Door.URI, "/a\\b"),
                Arguments.of(Door.URI, "/a%00b"),
                Arguments.of(Door.URI, "/a%00"),
                Arguments.of(Door.URI, "/a%0Ab"),
                Arguments.of(Door.URI, "/%c0%ae%c0%ae"),                        // overlong '.'
                Arguments.of(Door.URI, "/%c0%ae"),
                Arguments.of(Door.URI, "/%c0%af"),                              // overlong '/'
                Arguments.of(Door.URI, "/%e0%80%ae"),                           // 3-byte overlong '.'
                Arguments.of(Door.URI, "/%c1%9c"),                              // overlong '\'
                Arguments.of(Door.URI, "/%ff"),
                Arguments.of(Door.URI, "/%fe%ff"),
                Arguments.of(Door.URI, "/%c3"),                                 // truncated sequence
                Arguments.of(Door.URI, "/%c3a"),
                Arguments.of(Door.URI, "/%80"),                                 // continuation byte alone
                Arguments.of(Door.URI, "/%ed%a0%80"),                           // UTF-8 of a surrogate (CESU)
                Arguments.of(Door.URI, "/%f4%90%80%80"),                        // beyond U+10FFFF
                Arguments.of(Door.URI, "/%"),
                Arguments.of(Door.URI, "/%4"),
                Arguments.of(Door.URI, "/a%zz"),
                Arguments.of(Door.URI, "/a%+1"),
                Arguments.of(Door.URI, "/a\ud800b"),                            // raw lone surrogate, no % in the path
                Arguments.of(Door.URI, "/%41\ud800b"),                          // raw lone surrogate next to an escape
                Arguments.of(Door.URI, "/%41\udc00"),
                Arguments.of(Door.URI, "/%41\ud800"),
                Arguments.of(Door.URI, "/" + "%78".repeat(256)),
                Arguments.of(Door.URI, "/" + PATH_4095.replace("x", "%78") + "/yz"),

                Arguments.of(Door.WIRE, ".."),
                Arguments.of(Door.WIRE, "somedir/../../etc"),
                Arguments.of(Door.WIRE, "a\\b"),
                Arguments.of(Door.WIRE, "a\u0000"),
                Arguments.of(Door.WIRE, "\ud800"),
                Arguments.of(Door.WIRE, SEG_256));
    }

    @ParameterizedTest(name = "{0} rejects \"{1}\"")
    @MethodSource("rejected")
    void rejects(Door door, String input) {
        BadPathException e = assertThrows(BadPathException.class, () -> door.parse.apply(input));
        // The message goes to the client: it must not echo a NUL, a newline or a whole long path.
        assertTrue(e.getMessage().length() < 300, e.getMessage());
        assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20), e.getMessage());
    }

    @Test
    void rootHasNoSegmentsAndIsItsOwnParent() {
        assertTrue(DfsPath.ROOT.isRoot());
        assertEquals(0, DfsPath.ROOT.depth());
        assertEquals("", DfsPath.ROOT.name());
        assertEquals("", DfsPath.ROOT.wire());
        assertEquals("/", DfsPath.ROOT.toString());
        assertSame(DfsPath.ROOT, DfsPath.ROOT.parent());
        assertSame(DfsPath.ROOT, DfsPath.of("//"));
    }

    @Test
    void orderIsSegmentBySegmentSoADirectorySortsRightBeforeItsContents() {
        // As strings "a.b" < "a/b" ('.' is 0x2e, '/' 0x2f); by segments "a" < "a.b", so a/b comes first.
        List<String> expected = List.of("/", "/A", "/a", "/a/b", "/a/b/c", "/a/c", "/a b", "/a.b", "/a.b/a",
                "/a0", "/b", "/ü", "/日");
        List<DfsPath> paths = new ArrayList<>();
        for (String s : expected) {
            paths.add(DfsPath.of(s));
        }
        List<DfsPath> shuffled = new ArrayList<>(paths);
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertEquals(paths, shuffled);
        for (int i = 0; i < paths.size(); i++) {
            for (int j = 0; j < paths.size(); j++) {
                assertEquals(Integer.signum(Integer.compare(i, j)), Integer.signum(paths.get(i).compareTo(paths.get(j))),
                        paths.get(i) + " vs " + paths.get(j));
            }
        }
    }

    @Test
    void equalPathsFromDifferentSpellingsAreEqualAndHashAlike() {
        DfsPath a = DfsPath.of("/x//y/");
        DfsPath b = DfsPath.fromUri("/x/%79");
        DfsPath c = DfsPath.fromWire("x/y");
        assertEquals(a, b);
        assertEquals(b, c);
        assertEquals(a.hashCode(), c.hashCode());
        assertEquals(0, a.compareTo(c));
    }

    @Test
    void parentChildNameAndSegments() {
        DfsPath p = DfsPath.of("/somedir/nested/c.jpg");
        assertEquals(3, p.depth());
        assertEquals("c.jpg", p.name());
        assertEquals("nested", p.segment(1));
        assertEquals(List.of("somedir", "nested", "c.jpg"), p.segments());
        assertEquals(DfsPath.of("/somedir/nested"), p.parent());
        assertEquals(DfsPath.ROOT, DfsPath.of("/somedir").parent());
        assertEquals(p, p.parent().child("c.jpg"));
        assertEquals(DfsPath.of("/a"), DfsPath.ROOT.child("a"));
    }

    @ParameterizedTest(name = "child(\"{0}\") is refused")
    @ValueSource(strings = {"", "..", ".", "a/b", "/", "a\\b", "a\u0000", "\ud800"})
    void childTakesExactlyOneValidSegment(String name) {
        assertThrows(BadPathException.class, () -> DfsPath.of("/dir").child(name));
    }

    @Test
    void childAndUnderKeepThePathLimit() {
        // A path built piece by piece (the scanner does that) obeys the same limit as a parsed one.
        DfsPath long4094 = DfsPath.of(PATH_4095.substring(1));
        DfsPath long4095 = DfsPath.of(PATH_4095);
        assertEquals(4096, long4094.child("y").wire().length());
        assertThrows(BadPathException.class, () -> long4094.child("yz"));
        assertThrows(BadPathException.class, () -> long4095.child("y"));
        
        assertThrows(BadPathException.class, () -> DfsPath.of("yz").under(long4095));
        assertEquals(long4095, DfsPath.ROOT.under(long4095));
    }

    @Test
    void underAndRelativeToAreInverse() {
        DfsPath mount = DfsPath.of("/x/y");
        DfsPath local = DfsPath.of("/a/b");
        DfsPath dfs = local.under(mount);
        assertEquals(DfsPath.of("/x/y/a/b"), dfs);
        assertEquals(local, dfs.relativeTo(mount));
        assertEquals(local, local.under(DfsPath.ROOT));
        assertEquals(local, local.relativeTo(DfsPath.ROOT));
        assertEquals(DfsPath.ROOT, mount.relativeTo(mount));
        assertEquals(mount, DfsPath.ROOT.under(mount));
    }

    @Test
    void startsWithComparesWholeSegments() {
        DfsPath p = DfsPath.of("/abc/d");
        assertTrue(p.startsWith(DfsPath.ROOT));
        assertTrue(p.startsWith(DfsPath.of("/abc")));
        assertTrue(p.startsWith(p));
        assertFalse(p.startsWith(DfsPath.of("/ab")));                        // not a string prefix test
        assertFalse(p.startsWith(DfsPath.of("/abc/d/e")));
        assertThrows(IllegalArgumentException.class, () -> p.relativeTo(DfsPath.of("/ab")));
    }

    @org.junit.jupiter.api.Test
    void fromUriTakesUnicodeMixedWithEscapesWithoutOverflowing() {
        // Many multi-byte characters and an escape: the decoded bytes outgrow the string's length.
        String name = "\u00e9\u00fc\u4e2d\u6587".repeat(20);
        org.junit.jupiter.api.Assertions.assertEquals("/" + name + "A", DfsPath.fromUri("/" + name + "%41").toString());
    }
}
