package org.dftp.netty.dav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dftp.core.DfsPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code Destination} and {@code If} tag URLs: which name a place in this server's {@code /fs/}, and hrefs. */
class DavPathsTest {

    @Test
    void aPathUnderFsIsTaken() throws Exception {
        assertEquals(DfsPath.of("a/b"), DavPaths.of("/fs/a/b", "127.0.0.1:7040"));
        assertEquals(DfsPath.of("a/b"), DavPaths.of("/fs/a/b/", null), "no Host needed for a path");
        assertEquals(DfsPath.of("a b/ü"), DavPaths.of("/fs/a%20b/%C3%BC", null));
        assertEquals(DfsPath.ROOT, DavPaths.of("/fs/", null));
        assertEquals(DfsPath.ROOT, DavPaths.of("/fs", null));
    }

    @ParameterizedTest(name = "{0} with Host {1}")
    @CsvSource({
        "http://127.0.0.1:7040/fs/x/y, 127.0.0.1:7040",
        "http://LOCALHOST:7040/fs/x/y, localhost:7040",
        "http://example.com/fs/x/y, example.com",
        "http://example.com/fs/x/y, example.com:80",
        "http://example.com:80/fs/x/y, example.com",
        "https://example.com/fs/x/y, example.com:443",
        "https://example.com:443/fs/x/y, example.com",
        "http://[::1]:7040/fs/x/y, [::1]:7040",
    })
    void anAbsoluteUrlOfThisServerIsTaken(String url, String host) throws Exception {
        assertEquals(DfsPath.of("x/y"), DavPaths.of(url, host));
    }

    @ParameterizedTest(name = "{0} with Host {1}")
    @CsvSource({
        "http://other.example/fs/x, 127.0.0.1:7040",
        "http://127.0.0.1:9999/fs/x, 127.0.0.1:7040",
        "http://127.0.0.1/fs/x, 127.0.0.1:7040",
        "http://127.0.0.1:7040/fs/x, 127.0.0.1",
        "https://example.com/fs/x, example.com:80",
        "http://example.com:443/fs/x, example.com",
    })
    void anotherServerIsFlaggedAsSuch(String url, String host) {
        DavPaths.BadUrl e = assertThrows(DavPaths.BadUrl.class, () -> DavPaths.of(url, host));
        assertTrue(e.otherHost, e.getMessage());
    }

    @Test
    void anAbsoluteUrlWithoutAHostHeaderCannotBeOurs() {
        DavPaths.BadUrl e = assertThrows(DavPaths.BadUrl.class, () -> DavPaths.of("http://127.0.0.1:7040/fs/x", null));
        assertTrue(e.otherHost, e.getMessage());
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "/fs/x?a=b", "/fs/x?", "http://h:1/fs/x?a=b", // a query
        "/fs/../x", "/fs/a/../b", "/fs/a/..", "/fs/%2e%2e/x", "/fs/a/%2E%2E", "/fs/./x", // dot segments
        "http://h:1/fs/../x",
        "/fs/a%2Fb", "/fs/a%2fb", "http://h:1/fs/a%2Fb", // an encoded slash
        "/fs/a%00b", "/fs/a%0Ab", "/fs/a%01", "/fs/a%5Cb", "/fs/%zz", "/fs/a%2", // bytes the DFS refuses, bad escapes
        "/etc/passwd", "/fsx/a", "/find/", "/", "fs/x", "http://h:1/etc/passwd", "http://h:1", // outside /fs/
        "ftp://h:1/fs/x", "file:///fs/x", "mailto:x@h", // not http
        "http://[bad/fs/x", "http://h:1/fs/a b", // not a URL
        "",
    })
    void badUrlsAreRefusedAsBadRequests(String url) {
        DavPaths.BadUrl e = assertThrows(DavPaths.BadUrl.class, () -> DavPaths.of(url, "h:1"));
        assertFalse(e.otherHost, url + ": " + e.getMessage());
    }

    @Test
    void aMissingUrlIsRefused() {
        assertThrows(DavPaths.BadUrl.class, () -> DavPaths.of(null, "h:1"));
    }

    @Test
    void hrefsArePercentEncodedWithASlashAfterDirectories() {
        assertEquals("/fs/", DavPaths.href(DfsPath.ROOT, false));
        assertEquals("/fs/", DavPaths.href(DfsPath.ROOT, true));
        assertEquals("/fs/a%20b/c%23d%25e%2Bf%3Fg", DavPaths.href(DfsPath.of("a b/c#d%e+f?g"), false));
        assertEquals("/fs/d%C3%BC/", DavPaths.href(DfsPath.of("dü"), true));
        assertEquals("/fs/x-y_z.~", DavPaths.href(DfsPath.of("x-y_z.~"), false));
    }

    @Test
    void hrefsReadBackToTheirPaths() throws Exception {
        for (String p : new String[] {"a b/c#d%e+f?g", "dü/日本語", "x&y;z=w", "q'\"<>"}) {
            DfsPath path = DfsPath.of(p);
            assertEquals(path, DavPaths.of(DavPaths.href(path, false), null), p);
            assertEquals(path, DavPaths.of("http://h:1" + DavPaths.href(path, true), "h:1"), p);
        }
    }
}
