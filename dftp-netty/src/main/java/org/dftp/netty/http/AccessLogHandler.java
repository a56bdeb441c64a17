package org.dftp.netty.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import org.dftp.core.access.AccessLine;
import org.dftp.core.access.AccessLog;

/**
 * One {@code -access-log} line per HTTP request, whichever handler answered it: sits right behind the codec
 * (see {@link PublicHttpInitializer}), notes each request as it comes in and follows its response out,
 * counting the body bytes whose writes succeeded. The line is written when the last write of the response
 * completes, so a {@code sendfile} region counts once it is out; a client gone midway gets a line with the
 * status sent and the bytes that did go out. Pipelined and keep-alive requests each get their own line: they
 * are answered in order, so each response belongs to the oldest request not yet answered.
 *
 * <p>One instance per connection (or HTTP/2 stream); every method runs on its channel's event loop.
 */
final class AccessLogHandler extends ChannelDuplexHandler {
    /** nginx's status for a request whose client went away before it was answered. */
    static final int CLIENT_CLOSED = 499;

    private final AccessLog log;
    /** Requests whose response has not ended, oldest first. */
    private final ArrayDeque<Exchange> open = new ArrayDeque<>();
    /** Set by a response that closes the connection: requests behind it were never served, not abandoned. */
    private boolean serverCloses;

    AccessLogHandler(AccessLog log) {
        this.log = log;
    }

    /** One request and what went out for it. */
    private static final class Exchange {
        final HttpRequest request;
        String user;
        int status;
        long sent;
        boolean logged;

        Exchange(HttpRequest request) {
            this.request = request;
        }
    }

    /**
     * Names the user who sent {@code req}, once the handler has authenticated it; nothing when the pipeline
     * keeps no access log. Called by {@link DfsHttpHandler} on the event loop.
     */
    static void authenticated(ChannelPipeline pipeline, HttpRequest req, String user) {
        AccessLogHandler h = pipeline.get(AccessLogHandler.class);
        if (h != null) {
            for (Exchange ex : h.open) {
                if (ex.request == req) {
                    ex.user = user;
                    return;
                }
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            open.add(new Exchange(req));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Exchange ex = open.peek();
        if (msg instanceof HttpResponse res) {
            int code = res.status().code();
            if (code < 200) {
                // 100 Continue: the answer itself follows.
                ctx.write(msg, promise);
                return;
            }
            if (ex == null || ex.status != 0) {
                // No request came before it (a 408 for headers that never ended).
                ex = new Exchange(null);
                open.addFirst(ex);
            }
            ex.status = code;
            if (!HttpUtil.isKeepAlive(res)) {
                serverCloses = true;
            }
        }
        if (ex == null || ex.status == 0) {
            ctx.write(msg, promise);
            return;
        }
        boolean last = msg instanceof LastHttpContent;
        if (last) {
            open.poll();
        }
        long bytes = bodyEmpty(ex) ? 0 : bodyBytes(msg);
        if (bytes == 0 && !last) {
            ctx.write(msg, promise);
            return;
        }
        Exchange current = ex;
        ChannelPromise p = promise.unvoid();
        p.addListener(f -> {
            current.sent += f.isSuccess() ? bytes : msg instanceof FileRegion r ? r.transferred() : 0;
            if (last) {
                finish(ctx.channel(), current);
            }
        });
        ctx.write(msg, p);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        boolean first = true;
        for (Exchange ex : open) {
            if (ex.status == 0 && first && !serverCloses) {
                ex.status = CLIENT_CLOSED;
            }
            if (ex.status != 0) {
                finish(ctx.channel(), ex);
            }
            first = false;
        }
        open.clear();
        super.channelInactive(ctx);
    }

    private void finish(Channel ch, Exchange ex) {
        if (ex.logged) {
            return;
        }
        ex.logged = true;
        HttpRequest req = ex.request;
        log.log(new AccessLine(address(ch), ex.user, ZonedDateTime.now(), req == null ? null : requestLine(ch, req),
                ex.status, ex.sent, req == null ? null : req.headers().get(HttpHeaderNames.REFERER),
                req == null ? null : req.headers().get(HttpHeaderNames.USER_AGENT)));
    }

    /** Whether the codec sends no body whatever is written: a HEAD, a 204, a 304. */
    private static boolean bodyEmpty(Exchange ex) {
        return ex.status == 204 || ex.status == 304 || ex.request != null && HttpMethod.HEAD.equals(ex.request.method());
    }

    private static long bodyBytes(Object msg) {
        if (msg instanceof ByteBufHolder h) {
            return h.content().readableBytes();
        }
        if (msg instanceof ByteBuf b) {
            return b.readableBytes();
        }
        if (msg instanceof FileRegion r) {
            return r.count();
        }
        return 0;
    }

    /** The request line; null for the stand-in the codec makes of a line it could not read (nothing was sent). */
    private static String requestLine(Channel ch, HttpRequest req) {
        if (req.decoderResult().isFailure() && req instanceof FullHttpRequest) {
            // HttpRequestDecoder's "GET /bad-request HTTP/1.0": logging it would say the client sent it.
            return null;
        }
        String version = ch instanceof Http2StreamChannel ? "HTTP/2.0" : req.protocolVersion().text();
        return req.method().name() + ' ' + req.uri() + ' ' + version;
    }

    private static String address(Channel ch) {
        SocketAddress a = ch instanceof Http2StreamChannel s ? s.parent().remoteAddress() : ch.remoteAddress();
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : null;
    }
}
