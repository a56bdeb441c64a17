package org.dftp.netty.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalFile;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.auth.User;
import org.dftp.netty.archive.ArchiveResponder;
import org.dftp.netty.archive.EntrySources;
import org.dftp.netty.archive.FolderArchive;
import org.dftp.netty.dav.DavHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP API of docs/PROTOCOL.md: {@code /}, {@code /fs/...} (listings and files, local or
 * proxied), {@code /find/}. One instance per connection; it expects an HTTP/1 server codec
 * ({@link ObsFoldRefusingCodec}, or Netty's {@code HttpServerCodec}) and {@code ChunkedWriteHandler} before
 * it (see {@link PublicHttpInitializer}), and can be added to any Netty pipeline over a tree its application
 * provides ({@link DfsHttpContext#local}).
 *
 * <p>Each condition maps to one status, with early returns. Pipelined requests are answered in order:
 * while a proxied response is in flight, later requests wait in a queue and reading stops.
 */
public final class DfsHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(DfsHttpHandler.class);

    private static final String FS = "/fs";
    private static final int MAX_HOPS_PARAM = 100;
    /** Largest body of a refused request that is read and dropped to keep the connection. */
    private static final long MAX_SKIPPED_BODY = 64 * 1024;

    private final DfsHttpContext context;
    /** Messages that arrived while a response was in flight: requests and their bodies, in order. */
    private final ArrayDeque<HttpObject> waiting = new ArrayDeque<>();
    private boolean busy;
    /** Takes the body of the request being handled, until its last piece; null when there is none. */
    private RequestBody body;
    /** Set while a request is dispatched: a response that ends at once must not re-enter {@link #resume}. */
    private boolean dispatching;
    private boolean resumeWhenDispatched;

    public DfsHttpHandler(DfsHttpContext context) {
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent piece && !(msg instanceof HttpRequest) && piece.decoderResult().isFailure()) {
            refusedBody(ctx, piece);
        } else if (body != null && msg instanceof HttpContent piece && waiting.isEmpty()) {
            toBody(piece);
        } else if (busy && msg instanceof HttpObject o) {
            waiting.add(o);
            ctx.channel().config().setAutoRead(false);
        } else if (msg instanceof HttpRequest req) {
            request(ctx, req);
        } else {
            // The body of a request answered without it (GET, HEAD, a refusal).
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * The codec refused a piece of a body (bad chunk framing, a folded trailer) and reads nothing more: a
     * body being taken is undone and its request answered {@code 400}; a request answered already is not
     * answered again, the connection closes once what was written went out.
     */
    private void refusedBody(ChannelHandlerContext ctx, HttpContent piece) {
        Throwable cause = piece.decoderResult().cause();
        piece.release();
        releaseWaiting();
        RequestBody b = body;
        body = null;
        if (b != null) {
            b.abort();
            rejectMalformed(ctx, null, cause);
        } else {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void toBody(HttpContent piece) {
        RequestBody b = body;
        if (piece instanceof LastHttpContent) {
            body = null;
        }
        b.content(piece);
    }

    /** A request, perhaps whole with its body (a {@code FullHttpRequest} behind an aggregator). */
    private void request(ChannelHandlerContext ctx, HttpRequest req) {
        dispatch(ctx, () -> authenticate(ctx, req), req);
        if (req instanceof HttpContent whole) {
            if (body != null && waiting.isEmpty()) {
                toBody(whole);
            } else if (busy) {
                // Its body waits for the sink that the user check, still running, sets up.
                waiting.add(new io.netty.handler.codec.http.DefaultLastHttpContent(whole.content().retain()));
                whole.release();
            } else {
                whole.release();
            }
        }
    }

    /** Runs {@code step} for {@code req}; then feeds the body pieces that queued meanwhile, and resumes if it ended. */
    private void dispatch(ChannelHandlerContext ctx, Runnable step, HttpRequest req) {
        dispatching = true;
        try {
            step.run();
        } catch (RuntimeException e) {
            log.warn("HTTP: {} {} failed: {}", req.method(), req.uri(), e.toString());
            HttpResponses.sendText(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n")
                    .addListener(ChannelFutureListener.CLOSE);
        } finally {
            dispatching = false;
        }
        // Pieces of this request's body that queued while its user was being checked.
        while (body != null && waiting.peek() instanceof HttpContent piece) {
            waiting.poll();
            toBody(piece);
        }
        if (resumeWhenDispatched) {
            resumeWhenDispatched = false;
            resume(ctx);
        }
    }

    /**
     * Finds out who sends {@code req}: a user a peer vouches for, Basic credentials (checked from the cache,
     * or on the verifier's thread while this connection waits), or nobody. Wrong credentials are answered
     * {@code 401} after the address's growing delay.
     */
    private void authenticate(ChannelHandlerContext ctx, HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            rejectMalformed(ctx, req, req.decoderResult().cause());
            return;
        }
        Access access = context.access();
        InetAddress from = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        String forged = access.hopRefusal(req);
        if (forged != null) {
            log.info("HTTP: refused {} {} from {} as a hop: {}", req.method(), req.uri(),
                    from == null ? "?" : from.getHostAddress(), forged);
            FullHttpResponse res = text(HttpResponseStatus.UNAUTHORIZED, forged + "\n");
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, HopSignature.HEADER);
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            HttpResponses.sendFull(ctx, req, res);
            return;
        }
        User user = access.vouched(req, from);
        if (user != null) {
            route(ctx, req, user);
            return;
        }
        Access.Credentials creds;
        try {
            creds = Access.credentials(req);
        } catch (Access.BadCredentials e) {
            unauthorized(ctx, req, e.getMessage());
            return;
        }
        if (creds == null) {
            route(ctx, req, User.ANONYMOUS);
            return;
        }
        user = access.users().authenticateCached(creds.name(), creds.password());
        if (user != null) {
            route(ctx, req, user);
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        access.verify(creds).whenComplete((u, failure) ->
                ctx.executor().execute(() -> authenticated(ctx, req, failure == null ? u : null, from)));
    }

    private void authenticated(ChannelHandlerContext ctx, HttpRequest req, User user, InetAddress from) {
        if (!ctx.channel().isActive()) {
            return;
        }
        LoginThrottle throttle = context.access().throttle();
        if (user == null) {
            long delay = 0;
            if (from != null) {
                throttle.failed(from);
                delay = throttle.delayMillis(from);
            }
            log.info("HTTP: wrong credentials from {}", from == null ? "?" : from.getHostAddress());
            ctx.executor().schedule(() -> {
                unauthorized(ctx, req, "wrong user name or password");
                resume(ctx);
            }, delay, TimeUnit.MILLISECONDS);
            return;
        }
        if (from != null) {
            throttle.succeeded(from);
        }
        busy = false;
        dispatch(ctx, () -> route(ctx, req, user), req);
        if (!busy) {
            resume(ctx);
        } else {
            // Reading stopped while the password was checked; the body is wanted now.
            readBody(ctx);
        }
    }

    private void unauthorized(ChannelHandlerContext ctx, HttpRequest req, String why) {
        FullHttpResponse res = text(HttpResponseStatus.UNAUTHORIZED, why + "\n");
        res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"dftp\", charset=\"UTF-8\"");
        if (bodyNotWorthReading(req)) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        HttpResponses.sendFull(ctx, req, res);
    }

    private void route(ChannelHandlerContext ctx, HttpRequest req, User user) {
        if (user != User.ANONYMOUS) {
            AccessLogHandler.authenticated(ctx.pipeline(), req, user.name());
        }
        String method = req.method().name();
        boolean reads = !DavHandler.writes(method);
        if (reads && user == User.ANONYMOUS && !context.access().anonymousRead()) {
            unauthorized(ctx, req, "this server needs a user name and password");
            return;
        }
        DavHandler dav = context.dav();
        if (dav != null && method.equals("OPTIONS")) {
            HttpResponses.sendFull(ctx, req, DavHandler.options());
            return;
        }
        boolean get = HttpMethod.GET.equals(req.method()) || HttpMethod.HEAD.equals(req.method());
        if (!get && (dav == null || !DavHandler.handles(method))) {
            FullHttpResponse res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method " + req.method() + " not allowed\n");
            res.headers().set(HttpHeaderNames.ALLOW, dav == null ? "GET, HEAD" : DavHandler.ALLOW);
            if (bodyNotWorthReading(req)) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            HttpResponses.sendFull(ctx, req, res);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(RequestTarget.ascii(RequestTarget.originForm(req.uri())));
        String raw = uri.rawPath();
        if (!get) {
            dav(ctx, req, uri, raw, user);
        } else if (raw.equals("/")) {
            greeting(ctx, req);
        } else if (raw.equals(FS)) {
            redirect(ctx, req, FS + "/" + query(uri));
        } else if (raw.startsWith(FS + "/")) {
            fs(ctx, req, uri, raw, user);
        } else if (raw.equals("/find") || raw.equals("/find/")) {
            find(ctx, req, uri);
        } else {
            HttpResponses.sendText(ctx, req, HttpResponseStatus.NOT_FOUND, "`" + UrlPaths.escape(raw) + "` not found\n");
        }
    }

    private void dav(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder uri, String raw, User user) {
        if (!raw.startsWith(FS + "/") && !raw.equals(FS)) {
            FullHttpResponse res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "WebDAV is served on /fs/ only\n");
            res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, OPTIONS");
            if (bodyNotWorthReading(req)) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            HttpResponses.sendFull(ctx, req, res);
            return;
        }
        DfsPath path;
        int hops;
        try {
            if (req.uri().indexOf('#') >= 0) {
                // A fragment is no part of a request target (RFC 9110 7.1): deleting what precedes it is unsafe.
                throw new IllegalArgumentException("a request target has no fragment");
            }
            path = DfsPath.fromUri(raw.substring(FS.length()));
            hops = hops(uri.parameters());
        } catch (IllegalArgumentException e) {
            FullHttpResponse res = text(HttpResponseStatus.BAD_REQUEST, "bad request: " + e.getMessage() + "\n");
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            HttpResponses.sendFull(ctx, req, res);
            return;
        }
        busy = true;
        body = context.dav().start(ctx, req, path, hops, user, () -> resume(ctx));
    }

    /** The request's {@code redirN}: how many nodes it went through. */
    private static int hops(Map<String, List<String>> q) {
        try {
            String redirN = param(q, "redirN");
            int hops = redirN == null ? 0 : Integer.parseInt(redirN);
            if (hops < 0 || hops > MAX_HOPS_PARAM) {
                throw new NumberFormatException();
            }
            return hops;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("redirN must be a small number");
        }
    }

    /**
     * Whether a request we refuse announces a body we should not wait for: one held back for
     * {@code 100-continue} never comes (and the decoder would take the next request for it), and a large
     * or open-ended one is not worth reading only to drop it. Closing after the answer ends both.
     * A small body is read and dropped, and the connection serves on.
     */
    private static boolean bodyNotWorthReading(HttpRequest req) {
        return HttpUtil.is100ContinueExpected(req) || HttpUtil.isTransferEncodingChunked(req)
                || HttpUtil.getContentLength(req, 0L) > MAX_SKIPPED_BODY;
    }

    private void rejectMalformed(ChannelHandlerContext ctx, HttpRequest req, Throwable cause) {
        HttpResponseStatus status;
        String text;
        if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
            text = "request URI too long\n";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            text = "request header fields too large\n";
        } else if (cause instanceof RequestCheck.Refused refused) {
            status = refused.status();
            text = "bad request: " + cause.getMessage() + "\n";
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
            text = "bad request: " + cause.getMessage() + "\n";
        }
        // The decoder cannot find the next request after a malformed one: close after answering.
        HttpResponses.sendText(ctx, req, status, text).addListener(ChannelFutureListener.CLOSE);
    }

    private void greeting(ChannelHandlerContext ctx, HttpRequest req) {
        String name = UrlPaths.escape(context.selfName());
        String page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>dftp</title></head><body>"
                + "<h1>dftp</h1><p>Node " + name + " of a distributed file system.</p>"
                + "<p><a href=\"/fs/\">Browse the files</a> or <a href=\"/find/\">list them all</a>.</p>"
                + "</body></html>\n";
        FullHttpResponse res = text(HttpResponseStatus.OK, page);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.HTML_UTF8);
        HttpResponses.sendFull(ctx, req, res);
    }

    private void fs(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder uri, String raw, User user) {
        DfsPath path;
        try {
            path = DfsPath.fromUri(raw.substring(FS.length()));
        } catch (BadPathException e) {
            HttpResponses.sendText(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad path: " + e.getMessage() + "\n");
            return;
        }
        DfsTree tree = context.tree().get();
        DfsNode node = tree.lookup(path);
        if (node == null) {
            notFound(ctx, req, path);
            return;
        }
        Map<String, List<String>> q = uri.parameters();
        if (node.isDirectory()) {
            if (!raw.endsWith("/")) {
                redirect(ctx, req, raw + "/" + query(uri));
                return;
            }
            FolderArchive.Format archive = FolderArchive.Format.of(param(q, "format"));
            if (archive != null) {
                busy = true;
                ArchiveResponder.send(ctx, req, new FolderArchive(tree, path, archive,
                        new EntrySources(context.selfName(), context.localRoot(), context.remote())), context.metrics(),
                        () -> resume(ctx));
                return;
            }
            listing(ctx, req, path, node, q, user);
            return;
        }
        if (raw.endsWith("/") && !path.isRoot()) {
            // A file is not a directory: "/fs/a.txt/" names nothing, as nginx and the disk itself say.
            notFound(ctx, req, path);
            return;
        }
        boolean asText = "txt".equals(param(q, "format"));
        String contentType = asText ? HttpResponses.TEXT_UTF8 : ContentTypes.of(node.name());
        String owner = node.owner();
        int hops;
        try {
            hops = hops(q);
        } catch (IllegalArgumentException e) {
            HttpResponses.sendText(ctx, req, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
            return;
        }
        // A peer that forwards a request here believes we own the path. If we offer it at all, our copy is
        // served: our view of the owner may lag theirs (the owner just died, and only they removed it yet).
        boolean ours = owner.equals(context.selfName())
                || hops > 0 && Offer.find(node.offer(), context.selfName()) != null;
        if (ours && context.localRoot() != null) {
            local(ctx, req, path, contentType);
            return;
        }
        busy = true;
        Runnable ownCopy = context.localRoot() != null && Offer.find(node.offer(), context.selfName()) != null
                ? () -> local(ctx, req, path, contentType) : null;
        context.remote().serve(ctx, req, path, owner, hops, ownCopy, () -> resume(ctx));
    }

    private void local(ChannelHandlerContext ctx, HttpRequest req, DfsPath path, String contentType) {
        LocalFile file;
        try {
            file = context.localRoot().file(path);
        } catch (IOException e) {
            // Missing, not a regular file, or resolving outside the dfsroot: all look the same from outside.
            log.debug("HTTP: {} not served: {}", path, e.toString());
            notFound(ctx, req, path);
            return;
        }
        try {
            FileResponder.send(ctx, req, file, contentType, context.metrics());
        } catch (NoSuchFileException e) {
            notFound(ctx, req, path);
        } catch (org.dftp.core.local.OutOfDescriptorsException e) {
            // Said once a minute by the listener (AcceptFailures); a line per request would flood the log.
            log.debug("HTTP: {} not opened: {}", path, e.getMessage());
            HttpResponses.sendText(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "the node is out of file descriptors: try again shortly\n");
        } catch (java.nio.file.AccessDeniedException e) {
            // A file this node may not read (mode 000, another user's): 403, as nginx answers, not 500.
            log.debug("HTTP: {} not readable: {}", path, e.toString());
            HttpResponses.sendText(ctx, req, HttpResponseStatus.FORBIDDEN, "`" + path + "` may not be read\n");
        } catch (IOException e) {
            log.warn("HTTP: reading {} failed: {}", path, e.toString());
            HttpResponses.sendText(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot read `" + path + "`\n");
        }
    }

    private void listing(ChannelHandlerContext ctx, HttpRequest req, DfsPath path, DfsNode dir,
                         Map<String, List<String>> q, User user) {
        ListingOrder order;
        try {
            order = ListingOrder.parse(param(q, "sort"), param(q, "order"));
        } catch (IllegalArgumentException e) {
            HttpResponses.sendText(ctx, req, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
            return;
        }
        String format = param(q, "format");
        String accept = req.headers().get(HttpHeaderNames.ACCEPT, "");
        boolean json = "json".equals(format) || (format == null && accept.contains("application/json"));
        boolean writes = context.dav() != null && context.access().anyUsers();
        ListingBody.Format shape = json ? ListingBody.Format.JSON
                : "nginx".equals(format) ? ListingBody.Format.NGINX : ListingBody.Format.HTML;
        ListingBody body = new ListingBody(path, order.apply(dir), shape, order,
                p -> writes && user.mayWrite(p));
        stream(ctx, req, body, json ? HttpResponses.JSON_UTF8 : HttpResponses.HTML_UTF8);
    }

    private void find(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder uri) {
        Map<String, List<String>> q = uri.parameters();
        DfsPath prefix;
        Glob glob;
        try {
            String p = param(q, "prefix");
            prefix = p == null ? DfsPath.ROOT : DfsPath.of(p);
            String g = param(q, "q");
            glob = g == null || g.isEmpty() ? null : Glob.compile(g);
        } catch (IllegalArgumentException e) {
            HttpResponses.sendText(ctx, req, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
            return;
        }
        DfsTree tree = context.tree().get();
        if (tree.lookup(prefix) == null) {
            notFound(ctx, req, prefix);
            return;
        }
        stream(ctx, req, new FindBody(tree.walk(prefix), glob), HttpResponses.TEXT_UTF8);
    }

    /**
     * Sends a generated body: whole with a {@code Content-Length} when its first piece is all of it (most
     * listings), chunked otherwise, pulled piece by piece as the socket drains. An HTTP/1.0 client knows
     * no chunked coding (RFC 9112 6.1): its body is delimited by closing the connection. The body may be
     * compressed on its way out ({@link ListingCompressor}).
     */
    private static void stream(ChannelHandlerContext ctx, HttpRequest req, BodySource body, String contentType) {
        ByteBuf first = body.readChunk(ctx.alloc());
        if (body.isEndOfInput()) {
            FullHttpResponse res = HttpResponses.full(HttpResponseStatus.OK, first);
            describe(req, res, contentType);
            HttpResponses.sendFull(ctx, req, res);
            return;
        }
        HttpResponse res = HttpResponses.head(HttpResponseStatus.OK);
        describe(req, res, contentType);
        if (req.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0) {
            HttpUtil.setTransferEncodingChunked(res, true);
        }
        boolean keepAlive = HttpResponses.prepare(req, res); // false without a length or chunks: ends with a close
        ChannelFuture last;
        if (HttpMethod.HEAD.equals(req.method())) {
            first.release();
            ctx.write(res);
            last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            ctx.write(res);
            ctx.write(new io.netty.handler.codec.http.DefaultHttpContent(first));
            last = ctx.writeAndFlush(new HttpChunkedInput(body));
            // A chunked body that breaks off must not be followed by another response on this connection.
            last.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The headers of a generated body: its type, and that it may be compressed. */
    private static void describe(HttpRequest req, HttpResponse res, String contentType) {
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        ListingCompressor.mayCompress(req, res);
    }

    private void notFound(ChannelHandlerContext ctx, HttpRequest req, DfsPath path) {
        HttpResponses.sendText(ctx, req, HttpResponseStatus.NOT_FOUND, "`" + path + "` not found in DFS\n");
    }

    private static void redirect(ChannelHandlerContext ctx, HttpRequest req, String location) {
        FullHttpResponse res = text(HttpResponseStatus.FOUND, "");
        res.headers().set(HttpHeaderNames.LOCATION, location);
        HttpResponses.sendFull(ctx, req, res);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                io.netty.buffer.Unpooled.copiedBuffer(body, java.nio.charset.StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.TEXT_UTF8);
        return res;
    }

    /** The request's query with its {@code ?}, or the empty string: kept across a redirect. */
    private static String query(QueryStringDecoder uri) {
        return uri.uri().substring(uri.rawPath().length());
    }

    private static String param(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** A response that held the connection ended: answer the messages that queued up behind it, then read again. */
    private void resume(ChannelHandlerContext ctx) {
        if (dispatching) {
            resumeWhenDispatched = true;
            return;
        }
        busy = false;
        while (!busy && !waiting.isEmpty() && ctx.channel().isActive()) {
            HttpObject next = waiting.poll();
            if (next instanceof HttpRequest req) {
                request(ctx, req);
            } else if (body != null && next instanceof HttpContent piece) {
                toBody(piece);
            } else {
                ReferenceCountUtil.release(next);
            }
        }
        if (!busy) {
            releaseWaiting();
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        } else {
            readBody(ctx);
        }
    }

    /**
     * Reading stopped while requests queued; a request taken from the queue (or held for its user check)
     * whose body is still to come needs it again. Its sink pauses reading itself when it must.
     */
    private void readBody(ChannelHandlerContext ctx) {
        if (body != null && waiting.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    private void releaseWaiting() {
        HttpObject o;
        while ((o = waiting.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (body != null) {
            RequestBody b = body;
            body = null;
            b.abort();
        }
        releaseWaiting();
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            // No request for a while: close it, as nginx's keepalive_timeout, unless a long download is
            // still going out to a slow reader. A body that stopped coming (client_body_timeout) is cut too:
            // the close aborts its upload and removes the temporary file.
            io.netty.channel.ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
            boolean sending = busy || (out != null && out.totalPendingWriteBytes() > 0);
            if (!sending || body != null) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("HTTP: connection from {} ended: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("HTTP: connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }

}
