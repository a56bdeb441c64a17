package org.dftp.netty.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.http.HttpResponses;
import org.dftp.netty.http.RemoteFiles;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;
import org.dftp.netty.http.HopSignature;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Serves a file of another node by streaming it from the owner's public API
 * ({@code GET http://owner/fs/path?redirN=n+1}), as the original did.
 *
 * <p>Back-pressure: the owner's body is requested a few buffers at a time, and one more only when a
 * buffer has been written to the client's socket. A slow client therefore costs at most
 * {@link #IN_FLIGHT} buffers here, never the file, and the owner's connection simply stops being read.
 * {@code Range}, {@code HEAD} and conditional requests pass through; so does the owner's status. When
 * the owner fails before answering the client gets {@code 502}; when it fails mid-body the client's
 * connection is cut, so that a short response can never look complete.
 */
public final class RemoteFileProxy implements RemoteFiles {
    private static final Logger log = LoggerFactory.getLogger(RemoteFileProxy.class);

    /** Hops after which a request is refused instead of forwarded again, as the original's redirN rule. */
    public static final int MAX_HOPS = 2;
    /** Owner buffers requested ahead of the client's socket. */
    static final int IN_FLIGHT = 4;
    /** How long the owner may take to answer with headers. */
    static final long HEADERS_TIMEOUT_SECONDS = 30;

    private static final List<AsciiString> REQUEST_HEADERS = List.of(HttpHeaderNames.RANGE, HttpHeaderNames.IF_RANGE,
            HttpHeaderNames.IF_NONE_MATCH, HttpHeaderNames.IF_MODIFIED_SINCE, HttpHeaderNames.ACCEPT);
    private static final List<AsciiString> RESPONSE_HEADERS = List.of(HttpHeaderNames.CONTENT_TYPE,
            HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.CONTENT_RANGE, HttpHeaderNames.ACCEPT_RANGES,
            HttpHeaderNames.ETAG, HttpHeaderNames.LAST_MODIFIED, HttpHeaderNames.LOCATION);

    private final HttpClient client;
    private final String scheme;
    private final PeerAddresses peers;
    private final NodeMetrics metrics;
    /** Signs each hop in a cluster with a secret; null without one. */
    private final HopSignature hop;
    /** Blocking streams from the owners, as FTP reads them: for folder archives; null when none can be had. */
    private final PeerFileStreams streams;

    public RemoteFileProxy(HttpClient client, PeerAddresses peers, NodeMetrics metrics) {
        this(client, peers, metrics, false, new PeerFileStreams(peers), null);
    }

    /**
     * @param tls whether {@code client} speaks TLS to the owners ({@code -peer-tls}): their URLs are https
     * @param streams the blocking client of the owners that FTP uses too, for {@link #open}; null for none
     * @param hop signs every request to an owner, in a cluster with a secret; null without one
     */
    public RemoteFileProxy(HttpClient client, PeerAddresses peers, NodeMetrics metrics, boolean tls,
                           PeerFileStreams streams, HopSignature hop) {
        this.scheme = tls ? "https://" : "http://";
        this.client = client;
        this.peers = peers;
        this.metrics = metrics;
        this.hop = hop;
        this.streams = streams;
    }

    @Override
    public java.io.InputStream open(String owner, DfsPath path) throws java.io.IOException {
        if (streams == null) {
            return RemoteFiles.super.open(owner, path);
        }
        return streams.open(owner, path, 0);
    }

    @Override
    public void serve(ChannelHandlerContext ctx, HttpRequest req, DfsPath path, String owner, int hops,
                      Runnable ownCopy, Runnable done) {
        if (hops >= MAX_HOPS) {
            fail(ctx, req, HttpResponseStatus.BAD_GATEWAY, "`" + path + "` was forwarded " + hops
                    + " times without reaching its owner " + owner + "\n", done);
            return;
        }
        HostPort addr = peers.publicAddress(owner);
        if (addr == null && ownCopy != null) {
            ownCopy.run();
            done.run();
            return;
        }
        if (addr == null) {
            fail(ctx, req, HttpResponseStatus.BAD_GATEWAY, "`" + path + "` is owned by node " + owner
                    + ", which is not a known peer\n", done);
            return;
        }
        String target = "/fs" + encode(path) + query(req, hops + 1);
        String uri = scheme + addr + target;
        HttpHeaders forwarded = req.headers();
        boolean head = HttpMethod.HEAD.equals(req.method());
        Relay relay = new Relay(ctx, req, path, owner, ownCopy, done);
        client.headers(h -> {
                    for (AsciiString name : REQUEST_HEADERS) {
                        String v = forwarded.get(name);
                        if (v != null) {
                            h.set(name, v);
                        }
                    }
                    if (hop != null) {
                        h.set(HopSignature.HEADER, hop.sign(head ? "HEAD" : "GET", target, null));
                    }
                })
                .request(head ? HttpMethod.HEAD : HttpMethod.GET)
                .uri(uri)
                .response((res, body) -> {
                    relay.start(res);
                    return body;
                })
                .subscribe(relay);
        ctx.channel().closeFuture().addListener(f -> relay.cancelIfRunning());
        ctx.executor().schedule(relay::headersTimedOut, HEADERS_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static void fail(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String text,
                             Runnable done) {
        HttpResponses.sendText(ctx, req, status, text);
        done.run();
    }

    /** The path percent-encoded segment by segment, as the owner's URL decoder expects it. */
    static String encode(DfsPath path) {
        StringBuilder b = new StringBuilder();
        for (String s : path.segments()) {
            b.append('/').append(org.dftp.netty.http.UrlPaths.encodeSegment(s));
        }
        return b.toString();
    }

    /** The client's query with {@code redirN} counting this hop; {@code format} and others pass through. */
    static String query(HttpRequest req, int redirN) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        StringBuilder b = new StringBuilder("?redirN=").append(redirN);
        q.parameters().forEach((k, vs) -> {
            if (!k.equals("redirN")) {
                for (String v : vs) {
                    b.append('&').append(org.dftp.netty.http.UrlPaths.encodeSegment(k))
                            .append('=').append(org.dftp.netty.http.UrlPaths.encodeSegment(v));
                }
            }
        });
        return b.toString();
    }

    /** Moves one owner response to the client, a few buffers ahead of the client's socket. */
    private final class Relay extends BaseSubscriber<ByteBuf> {
        private final ChannelHandlerContext ctx;
        private final HttpRequest req;
        private final DfsPath path;
        private final String owner;
        private final Runnable ownCopy;
        private final Runnable done;
        private volatile boolean headersSent;
        private volatile boolean keepAlive;
        private volatile boolean finished;

        Relay(ChannelHandlerContext ctx, HttpRequest req, DfsPath path, String owner, Runnable ownCopy,
              Runnable done) {
            this.ctx = ctx;
            this.req = req;
            this.path = path;
            this.owner = owner;
            this.ownCopy = ownCopy;
            this.done = done;
        }

        /** The owner answered: pass its status and the headers that describe the body on. */
        void start(HttpClientResponse res) {
            HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(res.status().code()));
            for (AsciiString name : RESPONSE_HEADERS) {
                String v = res.responseHeaders().get(name);
                if (v != null) {
                    out.headers().set(name, v);
                }
            }
            if (!HttpUtil.isContentLengthSet(out) && !HttpMethod.HEAD.equals(req.method())) {
                HttpUtil.setTransferEncodingChunked(out, true);
            }
            keepAlive = HttpResponses.prepare(req, out);
            headersSent = true;
            ctx.writeAndFlush(out);
        }

        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(IN_FLIGHT);
        }

        @Override
        protected void hookOnNext(ByteBuf buf) {
            int n = buf.readableBytes();
            // The client releases its buffers after onNext returns: the client channel needs its own reference.
            // A bare ByteBuf is body content to the HTTP encoder (chunk-framed when the body is chunked), so no
            // HttpContent wrapper per piece. Flushed at once: a write that completes in the call requests the
            // next piece before the owner's channel runs out of demand, so its reading never stops while the
            // client keeps up (deferring the flush to the end of the read made demand run dry and reading toggle).
            ctx.writeAndFlush(buf.retain()).addListener(f -> {
                if (f.isSuccess()) {
                    metrics.bytesServedProxied.add(n);
                    request(1);
                } else {
                    cancel();
                }
            });
        }

        @Override
        protected void hookOnComplete() {
            finished = true;
            if (!headersSent) {
                // The owner closed without a response (the client gives an empty body for e.g. a 304 on HEAD).
                fail(ctx, req, HttpResponseStatus.BAD_GATEWAY, "node " + owner + " sent no response\n", this::finish);
                return;
            }
            var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
            f.addListener(x -> finish());
        }

        @Override
        protected void hookOnError(Throwable e) {
            finished = true;
            if (!headersSent && ownCopy != null) {
                log.info("Proxy: {} from {} failed, serving this node's own copy: {}", path, owner, e.toString());
                onLoop(() -> {
                    ownCopy.run();
                    done.run();
                });
                return;
            }
            if (!headersSent) {
                log.info("Proxy: {} from {} failed: {}", path, owner, e.toString());
                fail(ctx, req, HttpResponseStatus.BAD_GATEWAY,
                        "node " + owner + ", the owner of `" + path + "`, did not answer: " + e.getMessage() + "\n",
                        this::finish);
                return;
            }
            // Headers promised a body we can no longer complete: cut the connection so the client knows.
            log.info("Proxy: {} from {} broke off mid-body: {}", path, owner, e.toString());
            ctx.close();
            finish();
        }

        void headersTimedOut() {
            if (!headersSent && !finished) {
                cancel();
                hookOnError(new java.util.concurrent.TimeoutException("no answer in " + HEADERS_TIMEOUT_SECONDS + " s"));
            }
        }

        void cancelIfRunning() {
            if (!finished) {
                cancel();
            }
        }

        private void finish() {
            onLoop(done);
        }

        private void onLoop(Runnable r) {
            if (ctx.executor().inEventLoop()) {
                r.run();
            } else {
                ctx.executor().execute(r);
            }
        }
    }
}
