package org.dftp.netty.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Date;

/** The conditional request headers of RFC 9110 for a representation with an ETag and a modification time. */
final class Conditionals {
    private Conditionals() {
    }

    /** Whether {@code If-None-Match}, or failing it {@code If-Modified-Since}, says the client is up to date. */
    static boolean notModified(HttpHeaders h, String etag, long mtime) {
        String inm = h.get(HttpHeaderNames.IF_NONE_MATCH);
        if (inm != null) {
            return matches(inm, etag);
        }
        String ims = h.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ims != null) {
            Date since = DateFormatter.parseHttpDate(ims);
            return since != null && mtime <= since.getTime() / 1000;
        }
        return false;
    }

    /** Whether a {@code Range} may be honoured: no {@code If-Range}, or one that names this representation. */
    static boolean rangeApplies(HttpHeaders h, String etag, long mtime) {
        String ifRange = h.get(HttpHeaderNames.IF_RANGE);
        if (ifRange == null) {
            return true;
        }
        if (ifRange.startsWith("\"") || ifRange.startsWith("W/")) {
            return ifRange.trim().equals(etag);
        }
        Date d = DateFormatter.parseHttpDate(ifRange);
        return d != null && d.getTime() / 1000 == mtime;
    }

    private static boolean matches(String header, String etag) {
        for (String tag : header.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(etag) || (t.startsWith("W/") && t.substring(2).equals(etag))) {
                return true;
            }
        }
        return false;
    }
}
