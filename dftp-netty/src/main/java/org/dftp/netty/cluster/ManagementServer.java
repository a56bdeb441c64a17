package org.dftp.netty.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.wire.BadUpdateException;
import org.dftp.core.wire.ClusterInfo;
import org.dftp.core.cluster.PeerAnnouncements;
import org.dftp.core.wire.UpdateParser;
import org.dftp.core.wire.Wire;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The management HTTP API of docs/PROTOCOL.md on Reactor Netty's {@link HttpServer}: {@code /cluster/},
 * {@code /join/}, {@code /update/} exactly as the original answers them (paths matched as Go's
 * {@code ServeMux} does: {@code /cluster/} and everything below it, {@code /cluster} redirected), plus
 * {@code /healthz} and {@code /metrics}.
 *
 * <p>Requests are checked by {@link MgmtInput}; every outcome, error or not, becomes a {@link Reply} sent
 * by one method, and every error a user or peer can cause maps to a status and text in
 * {@link #errorReply}. Error bodies are the text and a newline, as Go's {@code http.Error} writes them.
 * An update body is parsed as it arrives ({@link UpdateParser}) and applied after the {@code ok}.
 */
public final class ManagementServer {
    private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);
    /** Largest form body read ({@code POST /cluster/}, {@code /join/}). */
    static final int MAX_FORM = 1024 * 1024;
    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";
    /** The original's index, word for word, then what dftp adds for operators. */
    static final String INDEX = "Hi!\n* GET /cluster/  to list peers\n* POST /join/?peer=ip:port  to initiate cluster membership"
            + "\n* GET /healthz  ok while the node runs\n* GET /metrics  counters and gauges, Prometheus text format";

    private final Membership membership;
    private final DfsStore store;
    private final NodeMetrics metrics;
    private final Clock clock;
    /** How far ahead of our clock a peer may date an offer ({@code -max-clock-skew}). */
    private final Duration maxClockSkew;
    /** Checks every request and signs every answer when the cluster has a secret; else null. */
    private final ClusterSigning signing;
    /** When an unsigned request was last logged at WARN (a flood is logged at DEBUG between). */
    private final java.util.concurrent.atomic.AtomicLong lastRefusalLogged = new java.util.concurrent.atomic.AtomicLong();
    private final ConcurrentHashMap<Integer, LongAdder> responses = new ConcurrentHashMap<>();
    /** Timeouts, connections per address, entries per update. */
    private final org.dftp.netty.NodeConfig.Limits limits;
    /** Largest body piece handed to a handler (see {@link #bind}). */
    static final int MAX_CHUNK = 64 * 1024;

    public ManagementServer(Membership membership, DfsStore store, NodeMetrics metrics, Clock clock) {
        this(membership, store, metrics, clock, org.dftp.netty.NodeConfig.Peers.DEFAULTS.maxClockSkew(), null);
    }

    /** @param maxClockSkew how far ahead of {@code clock} a peer may date an offer; later ones are refused */
    public ManagementServer(Membership membership, DfsStore store, NodeMetrics metrics, Clock clock,
                            Duration maxClockSkew, ClusterSigning signing) {
        this(membership, store, metrics, clock, maxClockSkew, signing, org.dftp.netty.NodeConfig.Limits.DEFAULTS);
    }

    /** @param limits the timeouts, per-address connection limit and largest update of this port */
    public ManagementServer(Membership membership, DfsStore store, NodeMetrics metrics, Clock clock,
                            Duration maxClockSkew, ClusterSigning signing, org.dftp.netty.NodeConfig.Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.maxClockSkew = Objects.requireNonNull(maxClockSkew, "maxClockSkew");
        this.signing = signing;
        this.membership = Objects.requireNonNull(membership, "membership");
        this.store = Objects.requireNonNull(store, "store");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Binds the API to {@code listen} on {@code loops}; the caller disposes the server. */
    public DisposableServer bind(HostPort listen, LoopResources loops) {
        return bind(listen, loops, null);
    }

    /**
     * The same, over TLS with {@code tls} ({@code -peer-tls}) unless it is null. Every connection gets the
     * limits of the public port too: {@code 503} beyond {@code -http-max-connections-per-address} of one
     * address, {@code 408} for headers slower than {@code -http-header-timeout}, closed after
     * {@code -http-idle-timeout} without a request (Reactor Netty's idle timeout) or
     * {@code -http-send-timeout} of a response standing still.
     */
    public DisposableServer bind(HostPort listen, LoopResources loops, org.dftp.netty.tls.PeerTls tls) {
        org.dftp.netty.limits.PerAddressLimit perAddress = new org.dftp.netty.limits.PerAddressLimit(
                limits.maxConnectionsPerAddress(), tls == null, metrics.connectionsRefusedPerAddress);
        HttpServer server = HttpServer.create()
                .bindAddress(listen::bindAddress)
                .runOn(loops)
                .idleTimeout(limits.idleTimeout())
                // Called on the connection's event loop as it is registered, after Reactor Netty put its
                // TLS handler and HTTP codec in place.
                .doOnChannelInit((observer, ch, remote) -> {
                    var p = ch.pipeline();
                    p.addFirst(org.dftp.netty.http.PublicHttpInitializer.PER_ADDRESS, perAddress);
                    if (p.get(reactor.netty.NettyPipeline.HttpCodec) != null) {
                        // The public port's codec in place of Reactor Netty's: no folded header lines (400).
                        // A full update's body in one piece per read buffer (up to 64 KiB) instead of 8 KiB
                        // pieces: a 500,000-entry join then takes 2,000 trips through the pipeline, not 13,000.
                        p.replace(reactor.netty.NettyPipeline.HttpCodec, reactor.netty.NettyPipeline.HttpCodec,
                                new org.dftp.netty.http.ObsFoldRefusingCodec(
                                        new io.netty.handler.codec.http.HttpDecoderConfig().setMaxChunkSize(MAX_CHUNK)));
                        var headers = new org.dftp.netty.limits.HeaderTimeout(limits.headerTimeout(),
                                metrics.headerTimeouts);
                        p.addBefore(reactor.netty.NettyPipeline.HttpCodec,
                                org.dftp.netty.http.PublicHttpInitializer.FIRST_BYTE, headers.firstByte());
                        p.addAfter(reactor.netty.NettyPipeline.HttpCodec,
                                org.dftp.netty.http.PublicHttpInitializer.HEADER_TIMEOUT, headers);
                        p.addAfter(org.dftp.netty.http.PublicHttpInitializer.HEADER_TIMEOUT,
                                org.dftp.netty.http.PublicHttpInitializer.STALLED,
                                new org.dftp.netty.limits.StalledReaderTimeout(limits.sendTimeout(),
                                        metrics.stalledReadersCut));
                    }
                })
                .handle(this::handle);
        DisposableServer bound = (tls == null ? server : tls.secure(server)).bindNow();
        org.dftp.netty.limits.AcceptFailures.install(bound.channel(), "HTTP mgmt");
        return bound;
    }

    /**
     * An answer: status, content type, body, a {@code Location} for redirects, and what to do once it is
     * sent (or could not be), or null.
     */
    record Reply(int status, String contentType, byte[] body, String location, Runnable after) {
        Reply(int status, String contentType, byte[] body, String location) {
            this(status, contentType, body, location, null);
        }

        Reply then(Runnable next) {
            return new Reply(status, contentType, body, location, next);
        }

        static Reply text(int status, String text) {
            return new Reply(status, TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8), null);
        }

        static Reply json(ClusterInfo info) {
            try {
                byte[] json = Wire.MAPPER.writeValueAsBytes(info);
                byte[] line = new byte[json.length + 1];
                System.arraycopy(json, 0, line, 0, json.length);
                line[json.length] = '\n'; // one line, as Go's json.Encoder writes it
                return new Reply(200, JSON, line, null);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cluster info does not serialize", e);
            }
        }
    }

    /** A refusal with its status; the message is the body. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        long start = System.nanoTime();
        return answer(req, res).doFinally(s -> metrics.mgmtDurations.observe(System.nanoTime() - start));
    }

    private Mono<Void> answer(HttpServerRequest req, HttpServerResponse res) {
        HttpError refused = framingRefusal(req);
        if (refused != null) {
            res.keepAlive(false); // nothing pipelined behind it is read
            return send(res, Reply.text(refused.status, refused.getMessage()), null);
        }
        Mono<Reply> reply;
        ClusterSigning.Signed signed = null;
        try {
            if (signing != null && !isMonitoring(req)) {
                signed = signing.verifyRequest(req.method().name(), req.uri(),
                        req.requestHeaders().get(ClusterSigning.HEADER));
            }
            reply = dispatch(req, signed);
        } catch (RuntimeException e) {
            reply = Mono.error(e);
        }
        ClusterSigning.Signed request = signed;
        return reply.onErrorResume(e -> Mono.just(errorReply(req, e)))
                .flatMap(r -> send(res, r, request));
    }

    /**
     * What the original's server (Go's {@code net/http}) refuses before any handler runs, and the codec lets
     * through: a major version other than 1 ({@code 505}), an HTTP/1.1 request without {@code Host} or with
     * more than one ({@code 400}). Null when the request is fine.
     */
    static HttpError framingRefusal(HttpServerRequest req) {
        io.netty.handler.codec.http.HttpVersion v = req.version();
        if (v.majorVersion() != 1) {
            return new HttpError(505, "HTTP version not supported");
        }
        if (v.minorVersion() >= 1) {
            int hosts = req.requestHeaders().getAll(HttpHeaderNames.HOST).size();
            if (hosts != 1) {
                return new HttpError(400, hosts == 0 ? "missing required Host header" : "too many Host headers");
            }
        }
        return null;
    }

    /**
     * {@code GET /healthz} and {@code GET /metrics} answer without a signature: load balancers and Prometheus
     * do not sign, and neither changes anything. Nor does the index at {@code GET /}, which only lists them.
     */
    private static boolean isMonitoring(HttpServerRequest req) {
        String uri = req.uri();
        return req.method().equals(HttpMethod.GET)
                && (uri.equals("/healthz") || uri.equals("/metrics") || uri.equals("/"));
    }

    private Mono<Reply> dispatch(HttpServerRequest req, ClusterSigning.Signed signed) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? "" : uri.substring(q + 1);
        if (path.equals("/cluster") || path.equals("/join") || path.equals("/update")) {
            return Mono.just(new Reply(301, TEXT, new byte[0], path + "/" + (q < 0 ? "" : "?" + query)));
        }
        if (path.startsWith("/cluster/")) {
            return req.method().equals(HttpMethod.POST) ? greeting(req, query, signed)
                    : Mono.fromSupplier(() -> Reply.json(membership.info()));
        }
        if (path.startsWith("/join/")) {
            if (!req.method().equals(HttpMethod.POST)) {
                throw new HttpError(405, "Use POST /join/?peer=ip:port");
            }
            return form(req, query, signed).flatMap(f -> {
                var peers = MgmtInput.joinPeers(f);
                log.info("Join requested: {}", peers);
                return membership.join(peers).then(Mono.fromSupplier(() -> Reply.json(membership.info())));
            });
        }
        if (path.startsWith("/update/")) {
            return update(req, signed);
        }
        if (path.equals("/healthz")) {
            return Mono.just(Reply.text(200, "ok"));
        }
        if (path.equals("/metrics")) {
            return Mono.fromSupplier(() -> new Reply(200, MetricsText.CONTENT_TYPE,
                    MetricsText.render(store.snapshot(), metrics, membership.updateLagSeconds(), responseCounts(),
                            clock.millis() / 1000).getBytes(StandardCharsets.UTF_8), null));
        }
        // The original answers every other path with its index and 404; the index itself is a page.
        return Mono.just(Reply.text(path.equals("/") && req.method().equals(HttpMethod.GET) ? 200 : 404, INDEX));
    }

    private Mono<Reply> greeting(HttpServerRequest req, String query, ClusterSigning.Signed signed) {
        String seenFrom = remoteHost(req);
        return form(req, query, signed)
                .map(f -> MgmtInput.greeting(f, seenFrom))
                .flatMap(membership::greeted)
                .map(a -> Reply.json(a.info()).then(a.then()));
    }

    private Mono<Reply> update(HttpServerRequest req, ClusterSigning.Signed signed) {
        if (!req.method().equals(HttpMethod.POST)) {
            throw new HttpError(405, "Use POST /update/");
        }
        if (!JSON.equals(mediaType(req.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE)))) {
            throw new HttpError(400, "Content-Type must be application/json");
        }
        return Mono.defer(() -> {
            UpdateParser parser = new UpdateParser(limits.maxUpdateEntries(),
                    PeerAnnouncements.latestBelievable(clock, maxClockSkew));
            ClusterSigning.FrameReader frames = signed == null ? null : framesOf(signed);
            return req.receive()
                    .doOnNext(buf -> {
                        if (frames == null) {
                            feed(parser, buf);
                        } else {
                            frames.feed(buf, piece -> feed(parser, piece));
                        }
                    })
                    .then(Mono.fromCallable(() -> {
                        if (frames != null) {
                            frames.finish(); // a body cut short is refused before anything is applied
                        }
                        return parser.finish();
                    }))
                    .doFinally(x -> {
                        if (frames != null) {
                            frames.close();
                        }
                    })
                    .doOnCancel(parser::close)
                    .doOnError(e -> parser.close())
                    .map(result -> {
                        membership.updateReceived(result);
                        return Reply.text(200, "ok");
                    });
        });
    }

    private ClusterSigning.FrameReader framesOf(ClusterSigning.Signed signed) {
        if (!ClusterSigning.FRAMED.equals(signed.digest())) {
            throw new ClusterSigning.BadSignature("an update's body must come in signed frames (d=framed)");
        }
        return signing.frameReader(signed);
    }

    /** Hands one chunk of the body to the parser, without copying a heap buffer. */
    static void feed(UpdateParser parser, ByteBuf buf) {
        if (buf.hasArray()) {
            parser.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        } else {
            for (ByteBuffer nio : buf.nioBuffers()) {
                parser.feed(nio);
            }
        }
    }

    /**
     * The request's form as Go's {@code r.Form}: the body (when it is a urlencoded form) followed by the
     * query string.
     */
    private static Mono<Form> form(HttpServerRequest req, String rawQuery, ClusterSigning.Signed signed) {
        Form query = Form.parse(rawQuery);
        String type = mediaType(req.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE));
        if (type.equals("multipart/form-data")) {
            throw new HttpError(400, "multipart forms are not supported: send application/x-www-form-urlencoded (curl -d)");
        }
        if (!type.equals("application/x-www-form-urlencoded")) {
            return Mono.just(query);
        }
        return req.receive().asByteArray()
                .collect(ByteArrayOutputStream::new, (out, b) -> {
                    if (out.size() + b.length > MAX_FORM) {
                        throw new HttpError(413, "form body larger than " + MAX_FORM + " bytes");
                    }
                    out.write(b, 0, b.length);
                })
                .map(out -> {
                    if (signed != null) {
                        ClusterSigning.checkBody(signed, out.toByteArray());
                    }
                    return Form.parseBody(out.toByteArray()).then(query);
                });
    }

    /** {@code application/json; charset=utf-8} is {@code application/json}; absent is empty. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static String remoteHost(HttpServerRequest req) {
        InetSocketAddress remote = req.remoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return "127.0.0.1";
        }
        return MgmtInput.hostOf(remote.getAddress());
    }

    /** Every error becomes its answer here. */
    private Reply errorReply(HttpServerRequest req, Throwable e) {
        if (e instanceof ClusterSigning.BadSignature b) {
            metrics.requestsRefusedUnsigned.increment();
            long now = System.nanoTime();
            long last = lastRefusalLogged.get();
            if (now - last > 1_000_000_000L && lastRefusalLogged.compareAndSet(last, now)) {
                log.warn("Refused {} {} from {}: {}", req.method(), req.uri(), req.remoteAddress(), b.getMessage());
            } else {
                log.debug("Refused {} {} from {}: {}", req.method(), req.uri(), req.remoteAddress(), b.getMessage());
            }
            return Reply.text(401, b.getMessage());
        }
        if (e instanceof HttpError h) {
            return Reply.text(h.status, h.getMessage());
        }
        if (e instanceof PeerAdmission.Refused r) {
            log.debug("{} {} from {} refused: {}", req.method(), req.uri(), req.remoteAddress(), r.getMessage());
            return Reply.text(r.status, r.getMessage());
        }
        if (e instanceof MgmtInput.BadInput) {
            log.debug("{} {}: {}", req.method(), req.uri(), e.getMessage());
            return Reply.text(400, e.getMessage());
        }
        if (e instanceof BadUpdateException) {
            log.warn("Bad update from {}: {}", req.remoteAddress(), e.getMessage());
            return Reply.text(400, "Error decoding json: " + e.getMessage());
        }
        if (e instanceof IllegalArgumentException) { // a form that does not decode
            return Reply.text(400, e.getMessage());
        }
        if (e instanceof reactor.netty.channel.AbortedException) {
            // The caller went away mid-request (a peer killed while pushing): nobody is left to answer.
            log.info("{} {} from {} aborted: {}", req.method(), req.uri(), req.remoteAddress(), e.getMessage());
            return Reply.text(400, "aborted");
        }
        log.error("{} {} failed", req.method(), req.uri(), e);
        return Reply.text(500, "internal error");
    }

    private Mono<Void> send(HttpServerResponse res, Reply r, ClusterSigning.Signed request) {
        responses.computeIfAbsent(r.status(), k -> new LongAdder()).increment();
        if (request != null) {
            res.header(ClusterSigning.HEADER, signing.signAnswer(r.status(), request, r.body()).header());
        }
        res.status(r.status())
                .header(HttpHeaderNames.CONTENT_TYPE, r.contentType())
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(r.body().length));
        if (r.contentType().equals(TEXT)) {
            res.header("X-Content-Type-Options", "nosniff");
        }
        if (r.location() != null) {
            res.header(HttpHeaderNames.LOCATION, r.location());
        }
        Mono<Void> sent = res.sendByteArray(Mono.just(r.body())).then();
        return r.after() == null ? sent : sent.doFinally(s -> r.after().run());
    }

    SortedMap<Integer, Long> responseCounts() {
        SortedMap<Integer, Long> out = new TreeMap<>();
        responses.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
