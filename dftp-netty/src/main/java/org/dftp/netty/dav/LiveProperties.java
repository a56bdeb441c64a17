package org.dftp.netty.dav;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.DfsNode;
import org.dftp.netty.http.ContentTypes;
import org.dftp.netty.http.ETags;

/**
 * The properties the server keeps itself (RFC 4918 15), read from the tree, so that every node answers a
 * {@code PROPFIND} alike without asking the owner. Times are the tree's, in seconds.
 */
final class LiveProperties {
    static final List<String> NAMES = List.of("creationdate", "displayname", "getcontentlength", "getcontenttype",
            "getetag", "getlastmodified", "resourcetype", "supportedlock", "lockdiscovery");

    private static final DateTimeFormatter RFC_1123 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

    static final String SUPPORTED_LOCK = "<D:supportedlock>"
            + "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>"
            + "<D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>"
            + "</D:supportedlock>";

    private LiveProperties() {
    }

    /** Whether {@code name} (a DAV: local name) is one of ours; files have no such property as a collection's. */
    static boolean isLive(String name) {
        return NAMES.contains(name);
    }

    /** The property {@code name} of {@code node} as an element, or null when it has none (a directory's length). */
    static String value(String name, DfsPath path, DfsNode node, String lockDiscovery) {
        boolean dir = node.isDirectory();
        long mtime = node.lastModified();
        return switch (name) {
            case "creationdate" -> "<D:creationdate>" + ISO.format(Instant.ofEpochSecond(mtime)) + "</D:creationdate>";
            case "displayname" -> "<D:displayname>" + DavXml.escape(path.isRoot() ? "" : path.name()) + "</D:displayname>";
            case "getcontentlength" -> dir ? null : "<D:getcontentlength>" + node.size() + "</D:getcontentlength>";
            case "getcontenttype" -> dir ? null
                    : "<D:getcontenttype>" + DavXml.escape(ContentTypes.of(node.name())) + "</D:getcontenttype>";
            case "getetag" -> dir ? null
                    : "<D:getetag>" + DavXml.escape(ETags.of(node.size(), mtime)) + "</D:getetag>";
            case "getlastmodified" -> "<D:getlastmodified>" + RFC_1123.format(Instant.ofEpochSecond(mtime))
                    + "</D:getlastmodified>";
            case "resourcetype" -> dir ? "<D:resourcetype><D:collection/></D:resourcetype>" : "<D:resourcetype/>";
            case "supportedlock" -> SUPPORTED_LOCK;
            case "lockdiscovery" -> lockDiscovery;
            default -> null;
        };
    }

    /** The date of a {@code getlastmodified} value, in epoch milliseconds. */
    static long parseDate(String value) {
        return Instant.from(RFC_1123.parse(value.trim())).toEpochMilli();
    }
}
