package org.dftp.netty.dav;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.write.Upload;
import org.dftp.core.write.WriteException;
import org.dftp.netty.http.HttpResponses;
import org.dftp.netty.http.RequestBody;
import org.w3c.dom.Element;

/**
 * {@code LOCK}, {@code UNLOCK} and the checks every write makes against the locks and the {@code If}
 * header (RFC 4918 7, 9.10, 9.11, 10.4). A write must submit, in its {@code If} header, the token of every
 * lock on what it changes: the resource, and for a new or removed member the collection it is in.
 */
final class Locking {
    private final LockTable locks;
    private final DavContext dav;

    Locking(DavContext dav) {
        this.locks = dav.locks;
        this.dav = dav;
    }

    /** Null when {@code method} may go on, else the status that refuses it ({@code 400}, {@code 412}, {@code 423}). */
    HttpResponseStatus check(DavExchange ex, DfsTree t, String method, DfsPath dest) {
        String header = ex.header("If");
        List<String> tokens = List.of();
        if (header != null) {
            IfHeader h;
            try {
                h = IfHeader.parse(header);
            } catch (IfHeader.Malformed e) {
                return HttpResponseStatus.BAD_REQUEST;
            }
            if (!holds(h, ex, t)) {
                return HttpResponseStatus.PRECONDITION_FAILED;
            }
            tokens = h.tokens();
        }
        for (LockTable.Lock l : affected(ex.path, t, method, dest)) {
            if (!tokens.contains(l.token())) {
                return WriteStatus.LOCKED;
            }
        }
        return null;
    }

    private boolean holds(IfHeader h, DavExchange ex, DfsTree t) {
        for (IfHeader.Clause c : h.clauses()) {
            DfsPath res = ex.path;
            if (c.resource() != null) {
                try {
                    res = DavPaths.of(c.resource(), ex.header(io.netty.handler.codec.http.HttpHeaderNames.HOST));
                } catch (DavPaths.BadUrl e) {
                    continue;
                }
            }
            boolean all = true;
            for (IfHeader.Condition k : c.conditions()) {
                boolean v = k.token() != null ? locks.isToken(k.token(), res) : k.etag().equals(DavHandler.etag(t, res));
                if (v == k.not()) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private List<LockTable.Lock> affected(DfsPath path, DfsTree t, String method, DfsPath dest) {
        List<LockTable.Lock> out = new ArrayList<>();
        switch (method) {
            case "PUT", "PROPPATCH", "MKCOL" -> {
                out.addAll(locks.covering(path));
                if (t.lookup(path) == null && !path.isRoot()) {
                    out.addAll(locks.covering(path.parent()));
                }
            }
            case "DELETE" -> removal(path, out);
            case "MOVE" -> {
                removal(path, out);
                removal(dest, out);
            }
            case "COPY" -> removal(dest, out);
            default -> {
                // LOCK meets other locks in the table; UNLOCK names its own.
            }
        }
        return out;
    }

    private void removal(DfsPath path, List<LockTable.Lock> out) {
        out.addAll(locks.within(path));
        if (!path.isRoot()) {
            out.addAll(locks.covering(path.parent()));
        }
    }

    RequestBody lock(DavExchange ex, DfsTree t) {
        long timeout = timeout(ex.header("Timeout"));
        return DavHandler.afterBody(ex, body -> {
            if (body.length == 0) {
                refresh(ex, t, timeout);
                return;
            }
            Element info;
            try {
                info = DavXml.parse(body, "lockinfo");
            } catch (DavXml.BadXml e) {
                ex.text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
                return;
            }
            Element scope = DavXml.child(info, "lockscope");
            Element type = DavXml.child(info, "locktype");
            if (scope == null || type == null || DavXml.child(type, "write") == null) {
                ex.text(HttpResponseStatus.BAD_REQUEST, "lockinfo needs a lockscope and a write locktype");
                return;
            }
            boolean exclusive = DavXml.child(scope, "exclusive") != null;
            if (!exclusive && DavXml.child(scope, "shared") == null) {
                ex.text(HttpResponseStatus.BAD_REQUEST, "lockscope must be exclusive or shared");
                return;
            }
            String depth = ex.header("Depth");
            String d = depth == null ? "infinity" : depth.trim().toLowerCase(java.util.Locale.ROOT);
            if (!d.equals("0") && !d.equals("infinity")) {
                ex.text(HttpResponseStatus.BAD_REQUEST, "LOCK takes Depth: 0 or infinity");
                return;
            }
            Element owner = DavXml.child(info, "owner");
            String ownerXml = owner == null ? null : DavXml.serialize(owner);
            if (ownerXml != null && ownerXml.length() > DeadProperties.MAX_VALUE_CHARS) {
                ex.text(HttpResponseStatus.BAD_REQUEST, "lock owner too long");
                return;
            }
            LockTable.Lock l;
            try {
                l = locks.lock(ex.path, exclusive, d.equals("infinity"), ownerXml, timeout);
            } catch (LockTable.Conflict e) {
                ex.text(WriteStatus.LOCKED, "`" + ex.path + "` is locked");
                return;
            }
            if (t.lookup(ex.path) != null) {
                answer(ex, HttpResponseStatus.OK, l);
                return;
            }
            // A lock on an unmapped URL creates an empty file (RFC 4918 7.3).
            ex.blocking(dav.io, () -> {
                try (Upload u = dav.writes.upload(ex.path, 0, 0)) {
                    u.commit();
                } catch (WriteException e) {
                    locks.unlock(l.token(), ex.path);
                    throw e;
                }
                answer(ex, HttpResponseStatus.CREATED, l);
            });
        });
    }

    private void refresh(DavExchange ex, DfsTree t, long timeout) {
        String header = ex.header("If");
        if (header == null) {
            ex.text(HttpResponseStatus.BAD_REQUEST, "a LOCK without a body refreshes a lock named in the If header");
            return;
        }
        try {
            for (String token : IfHeader.parse(header).tokens()) {
                LockTable.Lock l = locks.refresh(token, ex.path, timeout);
                if (l != null) {
                    answer(ex, HttpResponseStatus.OK, l);
                    return;
                }
            }
        } catch (IfHeader.Malformed e) {
            ex.text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        ex.text(HttpResponseStatus.PRECONDITION_FAILED, "no lock of the If header is on `" + ex.path + "`");
    }

    private void answer(DavExchange ex, HttpResponseStatus status, LockTable.Lock l) {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:prop xmlns:D=\"DAV:\"><D:lockdiscovery>"
                + activeLock(l) + "</D:lockdiscovery></D:prop>\n";
        FullHttpResponse res = HttpResponses.full(status, Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8));
        res.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE, DavExchange.XML_UTF8);
        res.headers().set("Lock-Token", "<" + l.token() + ">");
        ex.reply(res);
    }

    void unlock(DavExchange ex) {
        String token = ex.header("Lock-Token");
        if (token == null) {
            ex.text(HttpResponseStatus.BAD_REQUEST, "UNLOCK needs a Lock-Token header");
            return;
        }
        token = token.trim();
        if (token.startsWith("<") && token.endsWith(">")) {
            token = token.substring(1, token.length() - 1);
        }
        if (!locks.unlock(token, ex.path)) {
            ex.text(HttpResponseStatus.CONFLICT, "no lock with that token is on `" + ex.path + "`");
            return;
        }
        ex.status(HttpResponseStatus.NO_CONTENT);
    }

    /** The {@code lockdiscovery} property of {@code path}. */
    String discovery(DfsPath path) {
        StringBuilder b = new StringBuilder("<D:lockdiscovery>");
        for (LockTable.Lock l : locks.covering(path)) {
            b.append(activeLock(l));
        }
        return b.append("</D:lockdiscovery>").toString();
    }

    private static String activeLock(LockTable.Lock l) {
        return "<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope>"
                + (l.exclusive() ? "<D:exclusive/>" : "<D:shared/>") + "</D:lockscope><D:depth>"
                + (l.deep() ? "infinity" : "0") + "</D:depth>" + (l.ownerXml() == null ? "" : l.ownerXml())
                + "<D:timeout>Second-" + l.timeoutSeconds() + "</D:timeout><D:locktoken><D:href>" + l.token()
                + "</D:href></D:locktoken><D:lockroot><D:href>" + DavXml.escape(DavPaths.href(l.root(), false))
                + "</D:href></D:lockroot></D:activelock>";
    }

    /** The first timeout of a {@code Timeout} header that names one ({@code Second-n} or {@code Infinite}). */
    static long timeout(String header) {
        if (header == null) {
            return 0;
        }
        for (String part : header.split(",")) {
            String p = part.trim();
            if (p.equalsIgnoreCase("Infinite")) {
                return LockTable.MAX_TIMEOUT_SECONDS;
            }
            if (p.regionMatches(true, 0, "Second-", 0, 7)) {
                try {
                    return Long.parseLong(p.substring(7));
                } catch (NumberFormatException e) {
                    // the next one, if any
                }
            }
        }
        return 0;
    }
}
