package org.dftp.netty.dav;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.User;
import org.dftp.netty.HostPort;
import org.dftp.netty.Transports;
import org.dftp.netty.http.Access;
import org.dftp.netty.http.HttpResponses;
import org.dftp.netty.http.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One write relayed to the owner of its place: a connection of its own to the owner's public HTTP port,
 * on the client connection's event loop (no hand-off between threads), the request with {@code redirN}
 * one higher and the caller vouched for in {@value Access#VOUCHED_USER}, the body streamed as it
 * arrives, the answer streamed back.
 *
 * <p>Back-pressure: while the owner's connection cannot take more, the client's is not read, so an upload
 * of any size holds what the two sockets buffer. The owner's answers to writes are small (a status and a
 * line, or a multistatus) and go back as they come.
 *
 * <p>Failures: an owner that cannot be reached within {@link #CONNECT_MILLIS}, or that closes or falls
 * silent for {@link #IDLE_SECONDS} (the default ping window) before its answer, is answered {@code 502}
 * naming it; once its answer has begun, the client's connection is cut. The owner aborts an upload whose
 * connection closed early, so nothing is left behind on either side.
 */
final class ForwardedRequest implements RequestBody {
    private static final Logger log = LoggerFactory.getLogger(ForwardedRequest.class);
    static final int CONNECT_MILLIS = 5000;
    static final int IDLE_SECONDS = 30;
    /** Bytes written to the owner between flushes: one system call per batch, not per decoded piece. */
    private static final int FLUSH_BYTES = 64 * 1024;
    /** What the owner's connection may hold before the client's is no longer read. */
    private static final io.netty.channel.WriteBufferWaterMark WATER_MARK =
            new io.netty.channel.WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final ChannelHandlerContext client;
    private final HttpRequest req;
    private final String ownerName;
    private final Runnable done;
    private final org.dftp.netty.tls.PeerTls tls;
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
    private Channel owner;
    private boolean connected;
    private boolean bodyEnded;
    private boolean answerBegun;
    private boolean finished;
    private int unflushed;

    /** Signs the request and the user it vouches for, in a cluster with a secret; null without one. */
    private final org.dftp.netty.http.HopSignature hop;

    private ForwardedRequest(ChannelHandlerContext client, HttpRequest req, String ownerName, Runnable done,
                             org.dftp.netty.tls.PeerTls tls, org.dftp.netty.http.HopSignature hop) {
        this.tls = tls;
        this.hop = hop;
        this.client = client;
        this.req = req;
        this.ownerName = ownerName;
        this.done = done;
    }

    /** The node's forwarder: owners' addresses from the cluster state. */
    static WriteForwarder over(java.util.function.Function<String, HostPort> addresses,
                               org.dftp.netty.tls.PeerTls tls, org.dftp.netty.http.HopSignature hop) {
        return (ctx, req, ownerName, user, done) -> {
            ForwardedRequest f = new ForwardedRequest(ctx, req, ownerName, done, tls, hop);
            HostPort addr = addresses.apply(ownerName);
            if (addr == null) {
                f.fail(HttpResponseStatus.BAD_GATEWAY, "node " + ownerName + " owns this place, but its address is unknown");
                return RequestBody.DISCARD;
            }
            HttpRequest out;
            try {
                out = f.outbound(user, addr);
            } catch (DavPaths.BadUrl e) {
                f.fail(HttpResponseStatus.BAD_REQUEST, "Destination: " + e.getMessage());
                return RequestBody.DISCARD;
            }
            f.connect(addr, out);
            return f;
        };
    }

    /** The request as the owner gets it: hop-by-hop headers and credentials dropped, the caller vouched for. */
    private HttpRequest outbound(User user, HostPort addr) throws DavPaths.BadUrl {
        HttpHeaders h = req.headers().copy();
        for (CharSequence name : new CharSequence[] {HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
                HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
                HttpHeaderNames.UPGRADE, HttpHeaderNames.EXPECT, HttpHeaderNames.AUTHORIZATION}) {
            h.remove(name);
        }
        String vouched = org.dftp.netty.http.HopSignature.wireForm(user.name());
        h.set(Access.VOUCHED_USER, vouched);
        h.set(HttpHeaderNames.HOST, addr.toString());
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        String dest = h.get("Destination");
        if (dest != null) {
            // The owner knows the client's Host no more than the client knows the owner: a path says it for both.
            DfsPath to = DavPaths.of(dest, req.headers().get(HttpHeaderNames.HOST));
            h.set("Destination", DavPaths.href(to, false));
        }
        String uri = org.dftp.netty.http.RequestTarget.originForm(req.uri());
        int q = uri.indexOf('?');
        int hops = 0;
        if (q >= 0) {
            io.netty.handler.codec.http.QueryStringDecoder d = new io.netty.handler.codec.http.QueryStringDecoder(uri);
            java.util.List<String> r = d.parameters().get("redirN");
            hops = r == null || r.isEmpty() ? 0 : Integer.parseInt(r.get(0));
            uri = uri.substring(0, q);
        }
        String target = uri + "?redirN=" + (hops + 1);
        if (hop != null) {
            h.set(org.dftp.netty.http.HopSignature.HEADER, hop.sign(req.method().name(), target, vouched));
        } else {
            h.remove(org.dftp.netty.http.HopSignature.HEADER); // never a client's, passed on
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, req.method(), target, h);
    }

    private void connect(HostPort addr, HttpRequest out) {
        client.channel().config().setAutoRead(false);
        Bootstrap b = new Bootstrap()
                .group(client.channel().eventLoop())
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_MILLIS)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.clientHandler(ch.alloc(), addr.host(), addr.port()));
                        }
                        ch.pipeline().addLast(new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS));
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new OwnerAnswer());
                    }
                });
        owner = b.connect(addr.bindAddress()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                log.info("WebDAV: forwarding {} {} to node {} at {} failed: {}", req.method(), req.uri(), ownerName,
                        addr, f.cause().toString());
                fail(HttpResponseStatus.BAD_GATEWAY, "node " + ownerName + ", which owns this place, cannot be reached");
                return;
            }
            connected = true;
            owner.write(out);
            if (HttpUtil.is100ContinueExpected(req)) {
                client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                        Unpooled.EMPTY_BUFFER));
            }
            HttpContent p;
            while ((p = pending.poll()) != null) {
                owner.write(p);
            }
            owner.flush();
            readClientIfOwnerWritable();
        }).channel();
    }

    @Override
    public void content(HttpContent piece) {
        if (piece instanceof LastHttpContent) {
            bodyEnded = true;
        }
        if (finished || answerBegun && !owner.isActive()) {
            piece.release();
            return;
        }
        if (!connected) {
            pending.add(piece);
            return;
        }
        unflushed += piece.content().readableBytes();
        owner.write(piece);
        if (bodyEnded || unflushed >= FLUSH_BYTES) {
            unflushed = 0;
            owner.flush();
        }
        readClientIfOwnerWritable();
    }

    private void readClientIfOwnerWritable() {
        boolean writable = owner.isWritable();
        if (!writable) {
            // Unflushed bytes count against the water mark too: they must leave before reading stops.
            unflushed = 0;
            owner.flush();
        }
        client.channel().config().setAutoRead(writable && !bodyEnded);
        if (writable && !bodyEnded) {
            client.read();
        }
    }

    @Override
    public void abort() {
        finished = true;
        releasePending();
        if (owner != null) {
            owner.close();
        }
    }

    private void releasePending() {
        HttpContent p;
        while ((p = pending.poll()) != null) {
            p.release();
        }
    }

    /** Answers the client ourselves: the owner could not. */
    private void fail(HttpResponseStatus status, String text) {
        if (finished) {
            return;
        }
        finished = true;
        releasePending();
        if (owner != null) {
            owner.close();
        }
        if (answerBegun) {
            client.close();
        } else {
            FullHttpResponse res = HttpResponses.full(status, Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.TEXT_UTF8);
            if (!bodyEnded) {
                // The rest of the body has nowhere to go.
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            HttpResponses.sendFull(client, req, res);
        }
        client.channel().config().setAutoRead(true);
        done.run();
    }

    /** The owner's side: its answer goes back to the client as it comes. */
    private final class OwnerAnswer extends ChannelInboundHandlerAdapter {
        private boolean keepAlive;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (finished) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse res) {
                if (res.status().code() == HttpResponseStatus.CONTINUE.code()) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                HttpResponse copy = new DefaultHttpResponse(HttpVersion.HTTP_1_1, res.status(), res.headers().copy());
                copy.headers().remove(HttpHeaderNames.CONNECTION);
                copy.headers().remove(HttpHeaderNames.KEEP_ALIVE);
                if (!bodyEnded) {
                    copy.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
                answerBegun = true;
                keepAlive = HttpResponses.prepare(req, copy);
                client.write(copy);
            }
            if (msg instanceof HttpContent c) {
                boolean last = c instanceof LastHttpContent;
                if (last) {
                    finished = true;
                    client.writeAndFlush(c).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE
                            : ChannelFutureListener.CLOSE);
                    ctx.close();
                    client.channel().config().setAutoRead(true);
                    done.run();
                } else {
                    client.writeAndFlush(c);
                }
            } else if (!(msg instanceof HttpResponse)) {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!finished) {
                readClientIfOwnerWritable();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // A long upload keeps the owner silent until its end; only an answer that is late counts.
            if (evt instanceof IdleStateEvent && bodyEnded) {
                fail(HttpResponseStatus.BAD_GATEWAY, "node " + ownerName + ", which owns this place, did not answer");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(HttpResponseStatus.BAD_GATEWAY, "node " + ownerName + ", which owns this place, closed the connection");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("WebDAV: connection to node {} failed: {}", ownerName, cause.toString());
            fail(HttpResponseStatus.BAD_GATEWAY, "node " + ownerName + ", which owns this place, failed: " + cause.getMessage());
        }
    }
}
