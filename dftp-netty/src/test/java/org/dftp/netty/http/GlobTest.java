package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The glob language of {@code /find/?q=} and its linear-time matcher. */
class GlobTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            // name globs (no slash) see the name alone
            "*.txt        | /a/b/test.txt    | true",
            "*.txt        | /a/b/test.txt.gz | false",
            "test.txt     | /test.txt        | true",
            "tes?.txt     | /test.txt        | true",
            "t??t.txt     | /test.txt        | true",
            "t?t.txt      | /test.txt        | false",
            "*            | /anything        | true",
            "**           | /anything        | true",
            "***          | /x               | true",
            "[tx]est.txt  | /test.txt        | true",
            "[!t]est.txt  | /test.txt        | false",
            "[^t]est.txt  | /best.txt        | true",
            "[a-c]*       | /big.bin         | true",
            "[a-c]*       | /dig.bin         | false",
            "[]]x         | /]x              | true",
            "[!]]x        | /]x              | false",
            "[a-]x        | /-x              | true",
            "[\\]]x       | /]x              | true",
            "{*.jpg,*.png}| /c.png           | true",
            "{*.jpg,*.png}| /c.gif           | false",
            "{a,b{c,d}}.x | /bd.x            | true",
            "{a,b{c,d}}.x | /b.x             | false",
            "{,x}y        | /y               | true",
            "a\\*b        | /a*b             | true",
            "a\\*b        | /axb             | false",
            "a,b          | /a,b             | true",
            "a.b          | /aXb             | false",
            "(a)+[.]      | /(a)+.           | true",
            "^$           | /^$              | true",
            "é*           | /été.txt         | true",
            "?té.txt      | /été.txt         | true",
            "[é]t*        | /été.txt         | true",
            "日本*        | /日本語.txt       | true",
            "*.TXT        | /test.txt        | false",
            // path globs (with a slash) see the whole path, leading slash included
            "/somedir/*   | /somedir/c.jpg   | true",
            "/somedir/*   | /somedir/x/c.jpg | false",
            "/somedir/**  | /somedir/x/c.jpg | true",
            "somedir/*    | /somedir/c.jpg   | false",
            "**/c.jpg     | /somedir/c.jpg   | true",
            "**/c.jpg     | /c.jpg           | true",
            "**/c.jpg     | /xc.jpg          | false",
            "/*/c.jpg     | /somedir/c.jpg   | true",
            "/*/c.jpg     | /a/b/c.jpg       | false",
            "/?/c.jpg     | /a/c.jpg         | true",
            "/a?c         | /a/c             | false",
            "/a[!x]c      | /a/c             | false",
            "/a*c         | /a/c             | false",
            "/a**c        | /a/b/c           | true",
            "/**/**/x     | /x               | false",
            "/**/**/x     | /a/x             | false",
            "/**/**/x     | /a/b/x           | true",
            "/*{,/*}/x    | /a/b/x           | true"})
    void matches(String glob, String path, boolean expected) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        assertEquals(expected, Glob.compile(glob).matches(name, path));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[abc", "{a,b", "a}", "abc\\", "[]", "[!]", "{{a}", "[z-a]", "[a\\", "}{"})
    void malformedGlobIsRefusedWithAMessage(String glob) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Glob.compile(glob));
        assertEquals(true, e.getMessage().contains("q"), e.getMessage());
    }

    @Test
    void braceExplosionIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Glob.compile("{a,b}".repeat(9)));
        assertEquals("q has too many {,} alternatives", e.getMessage());
        Glob.compile("{a,b}".repeat(6)); // 64 alternatives are fine
    }

    @Test
    void globNeedingTooManyStatesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Glob.compile("{" + "?".repeat(300) + ",a}{" + "?".repeat(300) + ",b}"));
        assertEquals("q is too complex", e.getMessage());
    }

    @Test
    void longGlobsSpanSeveralWordsOfState() {
        String glob = "?".repeat(130) + "*x";
        Glob g = Glob.compile(glob);
        assertEquals(true, g.matches("a".repeat(130) + "x", ""));
        assertEquals(true, g.matches("a".repeat(200) + "x", ""));
        assertEquals(false, g.matches("a".repeat(129) + "x", ""));
        assertEquals(false, g.matches("a".repeat(200) + "y", ""));
        Glob words = Glob.compile("a*".repeat(100) + "b");
        assertEquals(true, words.matches("a".repeat(100) + "b", ""));
        assertEquals(false, words.matches("a".repeat(99) + "b", ""));
    }

    @Test
    void pathologicalGlobsMatchInLinearTime() {
        String name = "a".repeat(250);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (String glob : new String[] {"*a".repeat(200) + "b", "**a".repeat(200) + "b", "?*".repeat(300) + "b",
                    "{*a,*a}".repeat(5) + "b"}) {
                Glob g = Glob.compile(glob);
                for (int i = 0; i < 1000; i++) {
                    assertEquals(false, g.matches(name, "/" + name));
                }
            }
        });
    }
}
