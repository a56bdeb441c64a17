package org.dftp.core.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.dftp.core.BadPathException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskNamesTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static byte[] concat(String a, byte[] mid, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[x.length + mid.length + y.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(mid, 0, out, x.length, mid.length);
        System.arraycopy(y, 0, out, x.length + mid.length, y.length);
        return out;
    }

    @Test
    void utf8NamesAreTheirOwnDfsNames() {
        for (String s : new String[] {"a.txt", "café.txt", "日本語", "emoji \uD83D\uDE00", "\uFFFD real replacement char"}) {
            assertEquals(s, DiskNames.toDfs(s.getBytes(StandardCharsets.UTF_8)));
            assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), DiskNames.toDisk(s));
        }
    }

    @Test
    void eachByteOutsideUtf8IsEscapedAsItsHex() {
        assertEquals("caf\u201BE9.txt", DiskNames.toDfs(concat("caf", bytes(0xe9), ".txt")));
        // a lone continuation byte, an overlong '/', a surrogate, past U+10FFFF, a sequence cut short
        assertEquals("\u201B80", DiskNames.toDfs(bytes(0x80)));
        assertEquals("\u201BC0\u201BAF", DiskNames.toDfs(bytes(0xc0, 0xaf)));
        assertEquals("\u201BED\u201BA0\u201B80", DiskNames.toDfs(bytes(0xed, 0xa0, 0x80)));
        assertEquals("\u201BF4\u201B90\u201B80\u201B80", DiskNames.toDfs(bytes(0xf4, 0x90, 0x80, 0x80)));
        assertEquals("x\u201BE2\u201B82", DiskNames.toDfs(concat("x", bytes(0xe2, 0x82), "")));
        // the valid sequence after an invalid byte is kept
        assertEquals("\u201BFFé", DiskNames.toDfs(concat("", bytes(0xff), "é")));
        assertArrayEquals(concat("caf", bytes(0xe9), ".txt"), DiskNames.toDisk("caf\u201BE9.txt"));
    }

    @Test
    void theEscapeCharacterItselfIsDoubled() {
        assertEquals("a\u201B\u201Bb", DiskNames.toDfs("a\u201Bb".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("a\u201Bb".getBytes(StandardCharsets.UTF_8), DiskNames.toDisk("a\u201B\u201Bb"));
        assertArrayEquals("\u201BE9".getBytes(StandardCharsets.UTF_8), DiskNames.toDisk("\u201B\u201BE9"));
        assertFalse(DiskNames.escapesBytes("a\u201B\u201BE9"));
        assertTrue(DiskNames.escapesBytes("a\u201B\u201B\u201BE9"));
        assertTrue(DiskNames.escapesBytes("caf\u201BE9"));
        assertFalse(DiskNames.escapesBytes("plain"));
    }

    @Test
    void everyOtherSpellingIsRefused() {
        for (String s : new String[] {"x\u201Bzz", "x\u201B", "x\u201BE", "\u201Be9", "\u201BC3\u201BA9", "\u201B2F",
                "\u201B00", "\u201B41", "\u201BE2\u201B80\u201B9B"}) {
            assertThrows(BadPathException.class, () -> DiskNames.toDisk(s), s);
        }
    }

    @Property
    void anyNameRoundTripsAndHasOneSpelling(@ForAll byte[] raw) {
        String dfs = DiskNames.toDfs(raw);
        assertArrayEquals(raw, DiskNames.toDisk(dfs));
        assertEquals(dfs, DiskNames.toDfs(DiskNames.toDisk(dfs)));
    }

    @Property
    void anyStringIsRefusedOrMapsBackToItself(@ForAll String name) {
        byte[] raw;
        try {
            raw = DiskNames.toDisk(name);
        } catch (BadPathException e) {
            return;
        }
        assertEquals(name, DiskNames.toDfs(raw));
    }

    @Test
    void pathsCarryTheRawBytes(@TempDir Path dir) throws Exception {
        assertTrue(DiskNames.RAW, "tests run with java.base opening sun.nio.fs, as bin/dftp does");
        Path file = DiskNames.child(dir, "caf\u201BE9.txt");
        Files.writeString(file, "hello");
        assertArrayEquals(concat("caf", bytes(0xe9), ".txt"), DiskNames.bytes(file.getFileName()));
        try (var listed = Files.list(dir)) {
            Path only = listed.findFirst().orElseThrow();
            assertEquals("caf\u201BE9.txt", DiskNames.name(only));
            assertEquals("hello", Files.readString(only));
        }
        assertEquals("plain.txt", DiskNames.name(dir.resolve("plain.txt")));
        assertEquals("a\u201B\u201Bb", DiskNames.name(dir.resolve("a\u201Bb")));
        assertEquals(dir.resolve("a\u201Bb"), DiskNames.child(dir, "a\u201B\u201Bb"));
    }
}
