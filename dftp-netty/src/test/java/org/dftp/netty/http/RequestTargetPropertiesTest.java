package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;

/**
 * The HTTP side of path normalization (the hostile-input suite, docs/RELIABILITY.md): a request target as the
 * codec hands it over (one char per byte) goes through {@link RequestTarget} and {@link DfsPath#fromUri}
 * exactly as {@link DfsHttpHandler} does, and is refused or safe; {@link UrlPaths} encodes every name so
 * that it comes back as itself and escapes it so that it cannot break out of HTML.
 */
class RequestTargetPropertiesTest {
    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("/", "//", "..", ".", "%2e", "%2E", "%2f", "%5c", "\\", "%00", "%252e", "%c0%ae", "%",
                        "%zz", "?", "#", "&", "=", "fs", "/fs/", "http://", "HTTPS://", "node", ":7040", "@", "a",
                        "\u00c3\u00a9", "\u00ff", "\u0080", "\u00c0\u00ae", ";", "+", " ", "*"),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(3));
        return piece.list().ofMaxSize(16).map(l -> String.join("", l));
    }

    @Property
    void whatTheHandlerMakesOfAnyTargetIsRefusedOrSafe(@ForAll("targets") String target) {
        String origin = RequestTarget.originForm(target);
        String ascii = RequestTarget.ascii(origin);
        for (int i = 0; i < ascii.length(); i++) {
            assertTrue(ascii.charAt(i) < 0x80, ascii);
        }
        assertEquals(ascii, RequestTarget.ascii(ascii), "ascii is idempotent");
        String raw = new QueryStringDecoder(ascii).rawPath();
        if (!raw.startsWith("/fs/")) {
            return;
        }
        DfsPath p;
        try {
            p = DfsPath.fromUri(raw.substring(3));
        } catch (BadPathException e) {
            return;
        }
        for (String s : p.segments()) {
            assertFalse(s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('\\') >= 0, p.segments()::toString);
            for (int i = 0; i < s.length(); i++) {
                assertTrue(s.charAt(i) >= 0x20 && s.charAt(i) != 0x7f, p.segments()::toString);
            }
        }
    }

    @Property
    void theOriginFormOfAnOriginFormIsItself(@ForAll("targets") String target) {
        String origin = RequestTarget.originForm(target);
        assertEquals(origin, RequestTarget.originForm(origin));
        if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            assertTrue(origin.startsWith("/"), origin);
        }
    }

    @Property
    void anEncodedNameComesBackAsItself(@ForAll String name) {
        DfsPath p;
        try {
            p = DfsPath.ROOT.child(name);
        } catch (BadPathException e) {
            return;
        }
        String href = "/" + UrlPaths.encodeSegment(name);
        assertEquals(p, DfsPath.fromUri(href));
        // and the same after the round trip through the wire, as a client sends it
        String onTheWire = new String(href.getBytes(StandardCharsets.US_ASCII), StandardCharsets.ISO_8859_1);
        assertEquals(p, DfsPath.fromUri(RequestTarget.ascii(onTheWire)));
    }

    @Property
    void anEscapedNameCannotBreakOutOfHtml(@ForAll String name) {
        String e = UrlPaths.escape(name);
        for (char c : "<>\"'".toCharArray()) {
            assertTrue(e.indexOf(c) < 0, e);
        }
        assertEquals(name, e.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&"));
    }
}
