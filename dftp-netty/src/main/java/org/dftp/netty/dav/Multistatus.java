package org.dftp.netty.dav;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;

/** Writes a {@code 207 Multi-Status} body (RFC 4918 13): responses, each with its property groups by status. */
final class Multistatus {
    private final StringBuilder b = new StringBuilder(512)
            .append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus xmlns:D=\"DAV:\">\n");

    /** A response whose properties are grouped by status: each value is a list of property elements as XML. */
    Multistatus response(String href, Map<HttpResponseStatus, List<String>> propsByStatus) {
        b.append("<D:response><D:href>").append(DavXml.escape(href)).append("</D:href>");
        for (Map.Entry<HttpResponseStatus, List<String>> e : propsByStatus.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            b.append("<D:propstat><D:prop>");
            for (String p : e.getValue()) {
                b.append(p);
            }
            b.append("</D:prop><D:status>").append(statusLine(e.getKey())).append("</D:status></D:propstat>");
        }
        b.append("</D:response>\n");
        return this;
    }

    /** A response with one status for the whole resource (e.g. a member a recursive delete could not remove). */
    Multistatus response(String href, HttpResponseStatus status) {
        b.append("<D:response><D:href>").append(DavXml.escape(href)).append("</D:href><D:status>")
                .append(statusLine(status)).append("</D:status></D:response>\n");
        return this;
    }

    static String statusLine(HttpResponseStatus s) {
        return "HTTP/1.1 " + s.code() + " " + s.reasonPhrase();
    }

    String end() {
        return b.append("</D:multistatus>\n").toString();
    }
}
