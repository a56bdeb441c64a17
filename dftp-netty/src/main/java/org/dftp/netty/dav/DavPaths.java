package org.dftp.netty.dav;

import java.net.URI;
import java.net.URISyntaxException;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.netty.http.UrlPaths;

/** The URLs of WebDAV: {@code href}s this server writes and the {@code Destination}s and tags it reads. */
final class DavPaths {
    static final String FS = "/fs";

    private DavPaths() {
    }

    /** Thrown for a URL that does not name a place in this server's {@code /fs/}. */
    static final class BadUrl extends Exception {
        final boolean otherHost;

        BadUrl(String message, boolean otherHost) {
            super(message, null, false, false);
            this.otherHost = otherHost;
        }
    }

    /** The {@code href} of {@code path}: {@code /fs/} and its segments percent-encoded, a slash after a directory. */
    static String href(DfsPath path, boolean directory) {
        StringBuilder b = new StringBuilder(FS);
        for (String s : path.segments()) {
            b.append('/').append(UrlPaths.encodeSegment(s));
        }
        if (directory || path.isRoot()) {
            b.append('/');
        }
        return b.toString();
    }

    /**
     * The DFS path a {@code Destination} header or an {@code If} tag names. It may be a path
     * ({@code /fs/a/b}) or an absolute URL whose authority is this server's, as the request's {@code Host}
     * names it; anything else is refused, and so is any path that {@link DfsPath#fromUri} refuses.
     *
     * @param host the request's {@code Host} header, or null
     */
    static DfsPath of(String url, String host) throws BadUrl {
        if (url == null || url.isEmpty()) {
            throw new BadUrl("missing URL", false);
        }
        String raw;
        if (url.startsWith("/")) {
            raw = url;
        } else {
            URI u;
            try {
                u = new URI(url);
            } catch (URISyntaxException e) {
                throw new BadUrl("malformed URL `" + url + "`", false);
            }
            String scheme = u.getScheme();
            if (scheme == null || !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
                throw new BadUrl("`" + url + "` is not an http URL", false);
            }
            if (u.getRawAuthority() == null || host == null || !sameAuthority(u, scheme, host)) {
                throw new BadUrl("`" + url + "` names another server", true);
            }
            raw = u.getRawPath();
            if (u.getRawQuery() != null) {
                throw new BadUrl("`" + url + "` has a query", false);
            }
        }
        int hash = raw.indexOf('#');
        if (hash >= 0) {
            raw = raw.substring(0, hash);
        }
        if (raw.indexOf('?') >= 0) {
            throw new BadUrl("`" + url + "` has a query", false);
        }
        if (!raw.startsWith(FS + "/") && !raw.equals(FS)) {
            throw new BadUrl("`" + url + "` is outside /fs/", false);
        }
        try {
            return DfsPath.fromUri(raw.substring(FS.length()));
        } catch (BadPathException e) {
            throw new BadUrl("bad path in `" + url + "`: " + e.getMessage(), false);
        }
    }

    private static boolean sameAuthority(URI u, String scheme, String host) {
        String want = host.trim().toLowerCase(java.util.Locale.ROOT);
        String h = u.getHost() == null ? "" : u.getHost().toLowerCase(java.util.Locale.ROOT);
        int port = u.getPort();
        int defaultPort = scheme.equalsIgnoreCase("https") ? 443 : 80;
        String with = port < 0 ? h : h + ":" + port;
        String withDefault = h + ":" + defaultPort;
        return want.equals(with) || (port < 0 || port == defaultPort) && (want.equals(h) || want.equals(withDefault));
    }
}
