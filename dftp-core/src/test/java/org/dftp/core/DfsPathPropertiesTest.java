package org.dftp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The path normalizer against a model (the hostile-input suite, docs/RELIABILITY.md): whatever a client
 * sends, {@link DfsPath} either refuses it with a {@link BadPathException} (never another exception) or
 * gives segments with no {@code .}, {@code ..}, empty segment, slash, backslash, NUL or other control
 * character, which stay under any root they are resolved against; normalizing again gives the same path.
 * Inputs are built from the pieces traversal attacks are made of, so that most tries are hostile.
 */
class DfsPathPropertiesTest {
    private static final Path ROOT = Path.of("/srv/dfsroot");

    /** Pieces of decoded paths: separators, dots, controls, Unicode, lone surrogates. */
    @Provide
    Arbitrary<String> decodedPaths() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("/", "//", ".", "..", "...", "\\", "\u0000", "\n", "\r", "\t", "\u007f", "\u001b",
                        "a", "b.txt", "é", "日本", "😀", "\ud800", "\udc00", "%2e", "%2f", " ", ";", ":", "~",
                        "\u2024", "\uff0e", "\u2215", "\u0085"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(6),
                Arbitraries.strings().withChars('a', '.').ofLength(300));
        return piece.list().ofMaxSize(12).map(l -> String.join("", l));
    }

    /** Pieces of raw (percent-encoded) URL paths, in every case and encoding depth attackers use. */
    @Provide
    Arbitrary<String> rawPaths() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("/", "//", ".", "..", "%2e", "%2E", "%2e%2e", ".%2e", "%2e.", "%2f", "%2F", "%5c",
                        "%5C", "\\", "%00", "%0a", "%0d", "%7f", "%25", "%252e", "%252f", "%25252e", "%c0%ae",
                        "%c0%af", "%C0%AE", "%e0%80%ae", "%f0%80%80%ae", "%c1%9c", "%ff", "%fe", "%80", "%", "%2",
                        "%zz", "%g0", "a", "x.txt", "%C3%A9", "%c3", "%ed%a0%80", "é", "\u0000", "%20", "+", "?",
                        "#", ";", "%3b"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(4));
        return piece.list().ofMaxSize(14).map(l -> String.join("", l));
    }

    @Property
    void aDecodedPathIsRefusedOrSafeAndIsWhatTheModelSays(@ForAll("decodedPaths") String decoded) {
        List<String> expected = model(decoded);
        DfsPath p;
        try {
            p = DfsPath.of(decoded);
        } catch (BadPathException e) {
            assertEquals(null, expected, "refused, but the model accepts " + expected);
            return;
        }
        assertEquals(expected, p.segments());
        assertSafe(p);
    }

    @Property
    void aRawUrlPathIsRefusedOrSafeAndIsWhatTheModelSays(@ForAll("rawPaths") String raw) {
        List<String> expected = modelUri(raw);
        DfsPath p;
        try {
            p = DfsPath.fromUri(raw);
        } catch (BadPathException e) {
            assertEquals(null, expected, "refused, but the model accepts " + expected);
            return;
        }
        assertEquals(expected, p.segments(), raw);
        assertSafe(p);
    }

    @Property
    void anyStringAtAllIsRefusedOrSafe(@ForAll String s) {
        for (int form = 0; form < 3; form++) {
            DfsPath p;
            try {
                p = form == 0 ? DfsPath.of(s) : form == 1 ? DfsPath.fromUri(s) : DfsPath.fromWire(s);
            } catch (BadPathException e) {
                continue;
            }
            assertSafe(p);
        }
    }

    @Property
    void aChildOfAnAcceptedPathIsCheckedLikeAnyPath(@ForAll("decodedPaths") String name) {
        DfsPath parent = DfsPath.of("somedir");
        try {
            DfsPath child = parent.child(name);
            assertEquals(2, child.depth());
            assertSafe(child);
        } catch (BadPathException e) {
            // refused: fine
        }
    }

    @Example
    void doubleEncodingDecodesOnceToALiteralName() {
        // %252e%252e is the name "%2e%2e", which no file system takes for a parent.
        assertEquals(List.of("%2e%2e", "x"), DfsPath.fromUri("/%252e%252e/x").segments());
        assertEquals(List.of("..%2f"), DfsPath.fromUri("/..%252f").segments());
    }

    /** What any accepted path must be, and that normalizing it again changes nothing. */
    private static void assertSafe(DfsPath p) {
        for (String s : p.segments()) {
            assertFalse(s.isEmpty(), "empty segment");
            assertNotEquals(".", s);
            assertNotEquals("..", s);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                assertTrue(c >= 0x20 && c != 0x7f && c != '/' && c != '\\', () -> "bad char in " + p.segments());
            }
        }
        assertEquals(p, DfsPath.of(p.toString()), "idempotent in the user form");
        assertEquals(p, DfsPath.fromWire(p.wire()), "idempotent in the wire form");
        assertEquals(p, DfsPath.fromUri(encode(p)), "idempotent through a URL");
        Path resolved = ROOT.resolve(p.wire()).normalize();
        assertTrue(resolved.startsWith(ROOT), () -> resolved + " is not under " + ROOT);
        assertEquals(p.depth(), ROOT.relativize(resolved).getNameCount() - (p.isRoot() ? 1 : 0));
    }

    /** The model: split at slashes, drop empty segments, refuse what could escape or confuse. */
    private static List<String> model(String decoded) {
        if (decoded.length() > 2 * DfsPath.MAX_PATH_BYTES) {
            return null;
        }
        List<String> out = new ArrayList<>();
        int bytes = 0;
        for (String s : decoded.split("/", -1)) {
            if (s.isEmpty()) {
                continue;
            }
            if (s.equals(".") || s.equals("..") || !wellFormed(s)) {
                return null;
            }
            for (char c : s.toCharArray()) {
                if (c < 0x20 || c == 0x7f || c == '\\') {
                    return null;
                }
            }
            int n = s.getBytes(StandardCharsets.UTF_8).length;
            if (n > DfsPath.MAX_SEGMENT_BYTES) {
                return null;
            }
            bytes += n + (out.isEmpty() ? 0 : 1);
            out.add(s);
        }
        return bytes > DfsPath.MAX_PATH_BYTES ? null : out;
    }

    /** The model of a URL path: an encoded slash is refused, the rest percent-decoded once as strict UTF-8. */
    private static List<String> modelUri(String raw) {
        if (raw.length() > 3 * DfsPath.MAX_PATH_BYTES) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() + 0 && i + 2 > raw.length() - 1) {
                    return null;
                }
                int b;
                try {
                    b = Integer.parseInt(raw.substring(i + 1, i + 3), 16);
                } catch (NumberFormatException e) {
                    return null;
                }
                if (raw.charAt(i + 1) == '-' || raw.charAt(i + 1) == '+' || b == '/') {
                    return null;
                }
                bytes.write(b);
                i += 2;
            } else if (Character.isSurrogate(c) && !wellFormed(raw.substring(i, Math.min(raw.length(), i + 2)))) {
                return null;
            } else {
                int end = Character.isHighSurrogate(c) ? i + 2 : i + 1;
                bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        try {
            return model(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** A path as a client would put it into a URL: every byte but unreserved ones percent-encoded. */
    private static String encode(DfsPath p) {
        StringBuilder b = new StringBuilder();
        for (String s : p.segments()) {
            b.append('/');
            for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
                int c = x & 0xff;
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                    b.append((char) c);
                } else {
                    b.append('%').append(String.format("%02X", c));
                }
            }
        }
        return b.length() == 0 ? "/" : b.toString();
    }
}
