package org.dftp.netty.dav;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.http.RequestBody;
import org.w3c.dom.Element;

/** {@code PROPFIND} (Depth 0 and 1, from the tree) and {@code PROPPATCH} (dead properties, and the mtime). */
final class Properties {
    private static final String FINITE_DEPTH = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            + "<D:error xmlns:D=\"DAV:\"><D:propfind-finite-depth/></D:error>\n";

    private final DavContext dav;
    private final Locking locking;

    Properties(DavContext dav, Locking locking) {
        this.dav = dav;
        this.locking = locking;
    }

    RequestBody propfind(DavExchange ex, DfsTree t) {
        String depth = ex.header("Depth");
        String d = depth == null ? "infinity" : depth.trim().toLowerCase(java.util.Locale.ROOT);
        if (d.equals("infinity")) {
            DavHandler.refuseEarly(ex, xmlResponse(HttpResponseStatus.FORBIDDEN, FINITE_DEPTH));
            return RequestBody.DISCARD;
        }
        if (!d.equals("0") && !d.equals("1")) {
            return DavHandler.refuseEarly(ex, HttpResponseStatus.BAD_REQUEST, "Depth must be 0, 1 or infinity");
        }
        DfsNode node = t.lookup(ex.path);
        if (node == null) {
            return DavHandler.refuseEarly(ex, HttpResponseStatus.NOT_FOUND, "`" + ex.path + "` not found");
        }
        return DavHandler.afterBody(ex, body -> {
            Element find = null;
            if (body.length > 0) {
                try {
                    find = DavXml.parse(body, "propfind");
                } catch (DavXml.BadXml e) {
                    ex.text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
                    return;
                }
            }
            Element prop = find == null ? null : DavXml.child(find, "prop");
            boolean names = find != null && DavXml.child(find, "propname") != null;
            if (find != null && prop == null && !names && DavXml.child(find, "allprop") == null) {
                ex.text(HttpResponseStatus.BAD_REQUEST, "propfind needs prop, propname or allprop");
                return;
            }
            List<Element> wanted = prop == null ? null : DavXml.children(prop);
            Multistatus out = new Multistatus();
            describe(out, ex.path, node, wanted, names);
            if (d.equals("1") && node.isDirectory()) {
                for (DfsNode c : node.children()) {
                    describe(out, ex.path.child(c.name()), c, wanted, names);
                }
            }
            ex.xml(WriteStatus.MULTI_STATUS, out.end());
        });
    }

    private void describe(Multistatus out, DfsPath path, DfsNode node, List<Element> wanted, boolean names) {
        Map<HttpResponseStatus, List<String>> groups = new LinkedHashMap<>();
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        groups.put(HttpResponseStatus.OK, found);
        groups.put(HttpResponseStatus.NOT_FOUND, missing);
        Map<String, String> dead = dav.props.get(path);
        String locks = locking.discovery(path);
        if (wanted == null) {
            for (String name : LiveProperties.NAMES) {
                String v = LiveProperties.value(name, path, node, locks);
                if (v != null) {
                    found.add(names ? "<D:" + name + "/>" : v);
                }
            }
            for (Map.Entry<String, String> e : dead.entrySet()) {
                found.add(names ? DavXml.emptyElement(e.getKey()) : e.getValue());
            }
        } else {
            for (Element w : wanted) {
                String key = DavXml.key(w);
                String v = DavXml.DAV.equals(w.getNamespaceURI())
                        ? LiveProperties.value(w.getLocalName(), path, node, locks) : null;
                if (v == null) {
                    v = dead.get(key);
                }
                if (v != null) {
                    found.add(v);
                } else {
                    missing.add(DavXml.emptyElement(key));
                }
            }
        }
        out.response(DavPaths.href(path, node.isDirectory()), groups);
    }

    RequestBody proppatch(DavExchange ex, DfsTree t) {
        DfsNode node = t.lookup(ex.path);
        if (node == null) {
            return DavHandler.refuseEarly(ex, HttpResponseStatus.NOT_FOUND, "`" + ex.path + "` not found");
        }
        return DavHandler.afterBody(ex, body -> {
            Element update;
            try {
                update = DavXml.parse(body, "propertyupdate");
            } catch (DavXml.BadXml e) {
                ex.text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
                return;
            }
            patch(ex, node, update);
        });
    }

    private void patch(DavExchange ex, DfsNode node, Element update) {
        Map<String, String> props = new LinkedHashMap<>(dav.props.get(ex.path));
        Map<String, HttpResponseStatus> results = new LinkedHashMap<>();
        Long mtime = null;
        boolean failed = false;
        for (Element op : DavXml.children(update)) {
            boolean set = DavXml.is(op, "set");
            if (!set && !DavXml.is(op, "remove")) {
                ex.text(HttpResponseStatus.BAD_REQUEST, "propertyupdate holds only set and remove");
                return;
            }
            Element prop = DavXml.child(op, "prop");
            if (prop == null) {
                ex.text(HttpResponseStatus.BAD_REQUEST, "set and remove each hold a prop");
                return;
            }
            for (Element p : DavXml.children(prop)) {
                String key = DavXml.key(p);
                HttpResponseStatus s = HttpResponseStatus.OK;
                if (DavXml.DAV.equals(p.getNamespaceURI())) {
                    if (set && p.getLocalName().equals("getlastmodified")) {
                        try {
                            mtime = LiveProperties.parseDate(p.getTextContent());
                        } catch (RuntimeException e) {
                            s = HttpResponseStatus.CONFLICT;
                        }
                    } else {
                        // The server's own properties: RFC 4918 16, cannot-modify-protected-property.
                        s = HttpResponseStatus.FORBIDDEN;
                    }
                } else if (set) {
                    String xml = DavXml.serialize(p);
                    if (xml.length() > DeadProperties.MAX_VALUE_CHARS) {
                        s = WriteStatus.INSUFFICIENT_STORAGE;
                    } else {
                        props.remove(key);
                        props.put(key, xml);
                    }
                } else {
                    props.remove(key);
                }
                failed |= s != HttpResponseStatus.OK;
                results.put(key, s);
            }
        }
        if (!failed && !dav.props.put(ex.path, props)) {
            failed = true;
            results.replaceAll((k, v) -> WriteStatus.INSUFFICIENT_STORAGE);
        }
        if (failed) {
            // All or nothing (RFC 4918 9.2): the instructions that would have worked failed with the rest.
            results.replaceAll((k, v) -> v == HttpResponseStatus.OK ? WriteStatus.FAILED_DEPENDENCY : v);
            answer(ex, node, results);
            return;
        }
        if (mtime == null) {
            answer(ex, node, results);
            return;
        }
        long millis = mtime;
        ex.blocking(dav.io, () -> {
            dav.writes.setModified(ex.path, millis);
            answer(ex, node, results);
        });
    }

    private static void answer(DavExchange ex, DfsNode node, Map<String, HttpResponseStatus> results) {
        Map<HttpResponseStatus, List<String>> groups = new LinkedHashMap<>();
        results.forEach((key, status) -> groups.computeIfAbsent(status, s -> new ArrayList<>())
                .add(DavXml.emptyElement(key)));
        ex.xml(WriteStatus.MULTI_STATUS, new Multistatus().response(DavPaths.href(ex.path, node.isDirectory()), groups).end());
    }

    private static io.netty.handler.codec.http.FullHttpResponse xmlResponse(HttpResponseStatus status, String xml) {
        io.netty.handler.codec.http.FullHttpResponse res = org.dftp.netty.http.HttpResponses.full(status,
                io.netty.buffer.Unpooled.copiedBuffer(xml, java.nio.charset.StandardCharsets.UTF_8));
        res.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE, DavExchange.XML_UTF8);
        return res;
    }
}
