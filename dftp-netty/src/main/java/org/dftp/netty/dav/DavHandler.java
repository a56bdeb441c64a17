package org.dftp.netty.dav;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.buffer.Unpooled;
import java.util.function.Supplier;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.User;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.write.LocalWrites;
import org.dftp.core.write.WriteException;
import org.dftp.core.write.WriteResult;
import org.dftp.core.write.WriteRoute;
import org.dftp.netty.http.HttpResponses;
import org.dftp.netty.http.RequestBody;

/**
 * The WebDAV methods on {@code /fs/} (RFC 4918): {@code OPTIONS} and {@code PROPFIND} read the tree on any
 * node; {@code PUT}, {@code MKCOL}, {@code DELETE}, {@code COPY}, {@code MOVE}, {@code PROPPATCH},
 * {@code LOCK} and {@code UNLOCK} are carried out by the node that owns the place ({@link WriteRoute}) and
 * forwarded there by any other. One instance serves the whole node; a request's state is its
 * {@link DavExchange}. The caller has already decided who the user is and that it may read.
 *
 * <p>Order of checks for a write, each with its one status: may this server write at all ({@code 403}
 * read-only); may this user write here ({@code 401} anonymous, {@code 403} not granted); where does the write
 * go ({@code 409} a file in the way, forward to the owner); the request's own headers ({@code 400});
 * the {@code If} header ({@code 412}) and the locks ({@code 423}); then the disk.
 */
public final class DavHandler {
    public static final String ALLOW = "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, PROPPATCH, "
            + "LOCK, UNLOCK";

    /** The header of a forwarded FTP resume: keep this many bytes of the current file. */
    static final String KEEP = "X-Dftp-Keep";

    private final Supplier<DfsTree> tree;
    private final String self;
    private final DavContext dav;
    private final boolean usersMayWrite;
    private final Locking locking;
    private final Properties properties;

    /**
     * @param usersMayWrite whether any user may write at all (a users file with a {@code write} user); without,
     *     every write is answered as a read-only server's
     */
    public DavHandler(Supplier<DfsTree> tree, String self, DavContext dav, boolean usersMayWrite) {
        this.tree = tree;
        this.self = self;
        this.dav = dav;
        this.usersMayWrite = usersMayWrite;
        this.locking = new Locking(dav);
        this.properties = new Properties(dav, locking);
    }

    /** Whether {@code method} is one of the WebDAV methods here (GET and HEAD are the file server's). */
    public static boolean handles(String method) {
        return switch (method) {
            case "OPTIONS", "PUT", "DELETE", "MKCOL", "COPY", "MOVE", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK" -> true;
            default -> false;
        };
    }

    /** Whether {@code method} changes anything: only a user with the right may send it. */
    public static boolean writes(String method) {
        return handles(method) && !method.equals("OPTIONS") && !method.equals("PROPFIND");
    }

    /** Answers {@code OPTIONS} for any path, {@code *} included. */
    public static FullHttpResponse options() {
        FullHttpResponse res = HttpResponses.full(HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
        res.headers().set("DAV", "1, 2");
        res.headers().set(HttpHeaderNames.ALLOW, ALLOW);
        res.headers().set("MS-Author-Via", "DAV");
        return res;
    }

    /**
     * Starts answering {@code req} about {@code path}; the request's body goes to the returned sink.
     *
     * @param hops the request's {@code redirN}: 1 when a peer forwarded it here as to the owner
     */
    public RequestBody start(ChannelHandlerContext ctx, HttpRequest req, DfsPath path, int hops, User user,
                             Runnable done) {
        DavExchange ex = new DavExchange(ctx, req, path, user, hops, done);
        String method = req.method().name();
        if (method.equals("OPTIONS")) {
            ex.reply(options());
            return RequestBody.DISCARD;
        }
        if (method.equals("PROPFIND")) {
            return properties.propfind(ex, tree.get());
        }
        return write(ex, method);
    }

    private RequestBody write(DavExchange ex, String method) {
        if (!usersMayWrite || dav.writes == null && dav.forwarder == null) {
            return refuseEarly(ex, HttpResponseStatus.FORBIDDEN, "this server is read-only");
        }
        if (ex.user == User.ANONYMOUS) {
            FullHttpResponse res = text(HttpResponseStatus.UNAUTHORIZED, "writing needs a user name and password");
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"dftp\", charset=\"UTF-8\"");
            return refuseEarly(ex, res);
        }
        DfsPath dest = null;
        if (method.equals("COPY") || method.equals("MOVE")) {
            try {
                dest = DavPaths.of(ex.header("Destination"), ex.header(HttpHeaderNames.HOST));
            } catch (DavPaths.BadUrl e) {
                return refuseEarly(ex, e.otherHost ? HttpResponseStatus.BAD_GATEWAY : HttpResponseStatus.BAD_REQUEST,
                        "Destination: " + e.getMessage());
            }
        }
        if (!ex.user.mayWrite(ex.path) && !method.equals("COPY") || dest != null && !ex.user.mayWrite(dest)) {
            return refuseEarly(ex, HttpResponseStatus.FORBIDDEN, "user " + ex.user.name() + " may not write to `"
                    + (dest != null && !ex.user.mayWrite(dest) ? dest : ex.path) + "`");
        }
        DfsTree t = tree.get();
        WriteRoute.Decision where = route(t, ex, dest);
        if (where instanceof WriteRoute.Refused r) {
            return refuseEarly(ex, WriteStatus.of(r.why()), r.why().getMessage());
        }
        if (where instanceof WriteRoute.Remote remote) {
            if (dav.forwarder == null) {
                return refuseEarly(ex, HttpResponseStatus.BAD_GATEWAY,
                        "`" + ex.path + "` is owned by node " + remote.owner() + ", which this server cannot reach");
            }
            return dav.forwarder.forward(ex.ctx, ex.req, remote.owner(), ex.user, ex::forwarded);
        }
        if (dav.writes == null) {
            return refuseEarly(ex, HttpResponseStatus.FORBIDDEN, "this server has no local tree to write to");
        }
        HttpResponseStatus precondition = locking.check(ex, t, method, dest);
        if (precondition != null) {
            return refuseEarly(ex, precondition, precondition == WriteStatus.LOCKED
                    ? "`" + ex.path + "` is locked" : "the If header's conditions do not hold");
        }
        return switch (method) {
            case "PUT" -> put(ex, t);
            case "MKCOL" -> afterBody(ex, body -> mkcol(ex, t, body));
            case "DELETE" -> afterBody(ex, body -> delete(ex, t));
            case "COPY", "MOVE" -> copyOrMove(ex, t, method.equals("MOVE"), dest);
            case "PROPPATCH" -> properties.proppatch(ex, t);
            case "LOCK" -> locking.lock(ex, t);
            case "UNLOCK" -> afterBody(ex, body -> locking.unlock(ex));
            default -> refuseEarly(ex, HttpResponseStatus.METHOD_NOT_ALLOWED, "method " + method + " not allowed");
        };
    }

    /**
     * Where the write goes. A request a peer forwarded to us as owner is carried out here whatever our view
     * says (views may lag each other by a moment); it never travels a second hop. A {@code COPY} or
     * {@code MOVE} goes where both its ends go, or nowhere: between two disks it would be neither atomic nor
     * undoable, so it is refused with {@code 502} and the client copies through us itself.
     */
    private WriteRoute.Decision route(DfsTree t, DavExchange ex, DfsPath dest) {
        DfsPath mount = dav.writes == null ? null : dav.writes.root().mount();
        WriteRoute.Decision src = WriteRoute.of(t, ex.path, self, mount);
        if (ex.hops > 0 && !(src instanceof WriteRoute.Refused)) {
            src = new WriteRoute.Local();
        }
        if (dest == null || src instanceof WriteRoute.Refused) {
            return src;
        }
        WriteRoute.Decision dst = WriteRoute.of(t, dest, self, mount);
        if (ex.hops > 0 && !(dst instanceof WriteRoute.Refused)) {
            dst = new WriteRoute.Local();
        }
        if (dst instanceof WriteRoute.Refused) {
            return dst;
        }
        if (src.equals(dst)) {
            return src;
        }
        String from = src instanceof WriteRoute.Remote r ? r.owner() : self;
        String to = dst instanceof WriteRoute.Remote r ? r.owner() : self;
        return new WriteRoute.Refused(new WriteException(WriteException.Kind.CROSS_NODE, "the source is on node "
                + from + " and the destination on node " + to
                + ": copy and move between nodes are not supported; download and upload instead"));
    }

    private RequestBody put(DavExchange ex, DfsTree t) {
        if (ex.req.headers().contains(HttpHeaderNames.CONTENT_RANGE)) {
            // A partial PUT would replace the whole file by the fragment (RFC 9110 14.5: refuse it).
            return refuseEarly(ex, HttpResponseStatus.BAD_REQUEST, "PUT with Content-Range is not supported");
        }
        long length = HttpUtil.getContentLength(ex.req, -1L);
        if (length > dav.maxUploadSize) {
            return refuseEarly(ex, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "`" + ex.path + "`: " + length + " bytes are more than the " + dav.maxUploadSize + " allowed");
        }
        DfsNode node = t.lookup(ex.path);
        if (node != null && node.isDirectory()) {
            return refuseEarly(ex, HttpResponseStatus.CONFLICT, "`" + ex.path + "` is a directory");
        }
        long keep;
        try {
            keep = keep(ex);
        } catch (NumberFormatException e) {
            return refuseEarly(ex, HttpResponseStatus.BAD_REQUEST, KEEP + " must be a byte count");
        }
        continueIfExpected(ex);
        return new UploadBody(ex, dav.writes, ex.path, keep, dav.maxUploadSize, dav.io.next());
    }

    /**
     * How many bytes of the current file a {@code PUT} keeps ({@value #KEEP}): a peer forwarding an FTP
     * resume or append sends it. From anyone else it is ignored: HTTP clients replace whole files.
     */
    private static long keep(DavExchange ex) {
        String k = ex.header(KEEP);
        if (k == null || ex.hops == 0) {
            return 0;
        }
        long n = Long.parseLong(k.trim());
        if (n < 0) {
            throw new NumberFormatException();
        }
        return n;
    }

    private void mkcol(DavExchange ex, DfsTree t, byte[] body) {
        if (body.length > 0) {
            ex.text(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "MKCOL takes no body");
            return;
        }
        if (t.lookup(ex.path) != null) {
            ex.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "`" + ex.path + "` already exists");
            return;
        }
        LocalWrites w = dav.writes;
        ex.blocking(dav.io, () -> {
            try {
                w.mkdir(ex.path);
            } catch (WriteException e) {
                if (e.kind() != WriteException.Kind.EXISTS) {
                    throw e;
                }
                // Another MKCOL of the same path won the race since the tree was read.
                ex.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "`" + ex.path + "` already exists");
                return;
            }
            ex.status(HttpResponseStatus.CREATED);
        });
    }

    private void delete(DavExchange ex, DfsTree t) {
        DfsNode node = t.lookup(ex.path);
        if (node == null) {
            ex.text(HttpResponseStatus.NOT_FOUND, "`" + ex.path + "` not found");
            return;
        }
        String depth = ex.header("Depth");
        if (node.isDirectory() && depth != null && !depth.trim().equalsIgnoreCase("infinity")) {
            ex.text(HttpResponseStatus.BAD_REQUEST, "DELETE of a collection takes Depth: infinity");
            return;
        }
        LocalWrites w = dav.writes;
        ex.blocking(dav.io, () -> {
            w.delete(ex.path);
            dav.locks.delete(ex.path);
            dav.props.delete(ex.path);
            ex.status(HttpResponseStatus.NO_CONTENT);
        });
    }

    private RequestBody copyOrMove(DavExchange ex, DfsTree t, boolean move, DfsPath dest) {
        String overwrite = ex.header("Overwrite");
        if (overwrite != null && !overwrite.trim().equalsIgnoreCase("T") && !overwrite.trim().equalsIgnoreCase("F")) {
            return refuseEarly(ex, HttpResponseStatus.BAD_REQUEST, "Overwrite must be T or F");
        }
        boolean replace = overwrite == null || overwrite.trim().equalsIgnoreCase("T");
        String depth = ex.header("Depth");
        String d = depth == null ? "infinity" : depth.trim().toLowerCase(java.util.Locale.ROOT);
        if (!d.equals("infinity") && !(d.equals("0") && !move)) {
            return refuseEarly(ex, HttpResponseStatus.BAD_REQUEST,
                    (move ? "MOVE takes Depth: infinity" : "COPY takes Depth: 0 or infinity"));
        }
        boolean recursive = d.equals("infinity");
        return afterBody(ex, body -> {
            if (t.lookup(ex.path) == null) {
                ex.text(HttpResponseStatus.NOT_FOUND, "`" + ex.path + "` not found");
                return;
            }
            if (dest.equals(ex.path)) {
                ex.text(HttpResponseStatus.FORBIDDEN, "the source and the destination are the same");
                return;
            }
            LocalWrites w = dav.writes;
            ex.blocking(dav.io, () -> {
                WriteResult r = move ? w.move(ex.path, dest, replace)
                        : w.copy(ex.path, dest, replace, recursive, dav.maxUploadSize);
                dav.props.carry(ex.path, dest, move);
                dav.locks.delete(dest);
                if (move) {
                    dav.locks.delete(ex.path);
                }
                ex.status(r == WriteResult.CREATED ? HttpResponseStatus.CREATED : HttpResponseStatus.NO_CONTENT);
            });
        });
    }

    /** Runs {@code then} once the body has ended, with the body (at most 64 KiB). */
    static RequestBody afterBody(DavExchange ex, java.util.function.Consumer<byte[]> then) {
        return new SmallBody(ex, then);
    }

    /** The client waits for {@code 100 Continue} before it sends the body: every check has passed. */
    static void continueIfExpected(DavExchange ex) {
        if (HttpUtil.is100ContinueExpected(ex.req)) {
            ex.ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
    }

    /**
     * Answers before the body is read. A body the client holds back for {@code 100 Continue}, or a large
     * one, is not waited for: the connection closes after the answer. A small one is read and dropped.
     */
    static RequestBody refuseEarly(DavExchange ex, HttpResponseStatus status, String message) {
        return refuseEarly(ex, text(status, message));
    }

    static RequestBody refuseEarly(DavExchange ex, FullHttpResponse res) {
        HttpRequest req = ex.req;
        if (HttpUtil.is100ContinueExpected(req) || HttpUtil.isTransferEncodingChunked(req)
                || HttpUtil.getContentLength(req, 0L) > SmallBody.MAX_BYTES) {
            ex.closeAfter();
        }
        ex.reply(res);
        return RequestBody.DISCARD;
    }

    static FullHttpResponse text(HttpResponseStatus status, String message) {
        FullHttpResponse res = HttpResponses.full(status,
                Unpooled.copiedBuffer(message + "\n", java.nio.charset.StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.TEXT_UTF8);
        return res;
    }

    /** The entity tag of {@code path} in {@code t}, or null when it is no file. */
    static String etag(DfsTree t, DfsPath path) {
        DfsNode n = t.lookup(path);
        return n == null || n.isDirectory() ? null
                : org.dftp.netty.http.ETags.of(n.size(), n.lastModified());
    }
}
