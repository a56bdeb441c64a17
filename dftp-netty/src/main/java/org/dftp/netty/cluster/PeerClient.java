package org.dftp.netty.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.dftp.core.wire.ClusterInfo;
import org.dftp.core.wire.UpdateWriter;
import org.dftp.core.wire.Wire;
import org.dftp.netty.HostPort;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Talks to other nodes' management APIs, as the original does: greetings and pings
 * ({@code POST /cluster/}), update pushes ({@code POST /update/}) and {@code GET /cluster/}.
 *
 * <p>One Reactor Netty {@link HttpClient} over one {@link ConnectionProvider}, which keeps a separate
 * pool of keep-alive connections per peer address. An update body is streamed from an
 * {@link UpdateWriter} chunk by chunk as the connection takes it, never built as a whole. Every call is
 * lazy: nothing happens until the returned {@link Mono} is subscribed. Failures are
 * {@link PeerException}s that name the peer.
 */
public final class PeerClient implements AutoCloseable {
    /** Size of one chunk of a streamed update body. */
    static final int CHUNK = 32 * 1024;
    /** Largest answer read from a peer; a cluster listing of thousands of nodes fits many times over. */
    static final int MAX_ANSWER = 8 * 1024 * 1024;
    static final String USER_AGENT = "dftp/0.1";

    private final ConnectionProvider pool;
    private final HttpClient http;
    /** {@code https://} under {@code -peer-tls}: Reactor Netty speaks TLS only to URLs that ask for it. */
    private final String scheme;
    private final Duration pushTimeout;
    /** Signs every request and checks every answer when the cluster has a secret; else null. */
    private final ClusterSigning signing;

    /**
     * @param loops the event loops to run on (shared with the management server)
     * @param connectTimeout how long a TCP connect may take
     * @param responseTimeout how long a greeting or listing may wait for its answer
     * @param pushTimeout how long a peer may take to answer an update once it was sent
     */
    public PeerClient(LoopResources loops, Duration connectTimeout, Duration responseTimeout, Duration pushTimeout) {
        this(loops, connectTimeout, responseTimeout, pushTimeout, null, null);
    }

    /** @param tls TLS to every peer ({@code -peer-tls}), or null for plain HTTP as the original speaks */
    public PeerClient(LoopResources loops, Duration connectTimeout, Duration responseTimeout, Duration pushTimeout,
                      org.dftp.netty.tls.PeerTls tls) {
        this(loops, connectTimeout, responseTimeout, pushTimeout, tls, null);
    }

    /** @param signing signs requests and checks answers ({@code -cluster-secret}), or null */
    PeerClient(LoopResources loops, Duration connectTimeout, Duration responseTimeout, Duration pushTimeout,
               org.dftp.netty.tls.PeerTls tls, ClusterSigning signing) {
        Objects.requireNonNull(loops, "loops");
        this.signing = signing;
        this.pushTimeout = Objects.requireNonNull(pushTimeout, "pushTimeout");
        this.pool = ConnectionProvider.builder("dftp-peers")
                .maxConnections(8) // per peer address
                .pendingAcquireMaxCount(1024)
                .pendingAcquireTimeout(connectTimeout.plus(responseTimeout))
                .maxIdleTime(Duration.ofSeconds(50))
                .evictInBackground(Duration.ofSeconds(60))
                .build();
        HttpClient plain = HttpClient.create(pool)
                .runOn(loops)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .responseTimeout(responseTimeout)
                .headers(h -> h.set(HttpHeaderNames.USER_AGENT, USER_AGENT));
        this.http = tls == null ? plain : tls.secure(plain);
        this.scheme = tls == null ? "http://" : "https://";
    }

    /** The greeting {@code g} sent to the management API at {@code peer}; completes with its cluster listing. */
    public Mono<ClusterInfo> greet(HostPort peer, Greeting g) {
        byte[] body = g.formBody().getBytes(StandardCharsets.US_ASCII);
        return Mono.defer(() -> {
            ClusterSigning.Signed signed = sign("POST", "/cluster/", body);
            return http.headers(h -> {
                        h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED)
                                .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                        signed(h, signed);
                    })
                    .post()
                    .uri(uri(peer, "/cluster/"))
                    .send(Mono.fromCallable(() -> Unpooled.wrappedBuffer(body)))
                    .response((res, content) -> readLimited(content)
                            .map(bytes -> answer(peer, "greeting", res, signed, bytes)))
                    .single();
                })
                .map(bytes -> clusterInfo(peer, bytes))
                .onErrorMap(e -> !(e instanceof PeerException), e -> failure(peer, "greeting", e));
    }

    /** A ping: a greeting that asks for nothing. */
    public Mono<ClusterInfo> ping(HostPort peer, Greeting g) {
        return greet(peer, g.withRequestFullUpdate(false));
    }

    /** {@code GET /cluster/} of the node at {@code peer}. */
    public Mono<ClusterInfo> getCluster(HostPort peer) {
        return Mono.defer(() -> {
            ClusterSigning.Signed signed = sign("GET", "/cluster/", new byte[0]);
            return http.headers(h -> signed(h, signed))
                    .get()
                    .uri(uri(peer, "/cluster/"))
                    .response((res, content) -> readLimited(content)
                            .map(bytes -> answer(peer, "cluster listing", res, signed, bytes)))
                    .single();
                })
                .map(bytes -> clusterInfo(peer, bytes))
                .onErrorMap(e -> !(e instanceof PeerException), e -> failure(peer, "cluster listing", e));
    }

    /**
     * Pushes an update to {@code peer}: the body is written by a new writer from {@code body} (made when
     * the request starts, closed when it ends) and streamed as the connection drains it.
     *
     * @return completes when the peer answered {@code 200}
     */
    public Mono<Void> pushUpdate(HostPort peer, Supplier<UpdateWriter> body) {
        return Mono.defer(() -> {
            // The body is streamed, so its digest is not known before it is sent: it goes in signed frames.
            ClusterSigning.Signed signed = signing == null ? null
                    : signing.signRequest("POST", "/update/", ClusterSigning.FRAMED);
            return http.headers(h -> {
                        h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
                        signed(h, signed);
                    })
                    .post()
                    .uri(uri(peer, "/update/"))
                    .send((req, out) -> {
                        req.responseTimeout(pushTimeout);
                        Flux<ByteBuf> chunks = chunks(body, out.alloc(), CHUNK);
                        return out.send(signed == null ? chunks : signing.frames(chunks, signed, out.alloc()));
                    })
                    .response((res, content) -> readLimited(content)
                            .map(bytes -> answer(peer, "update", res, signed, bytes)))
                    .single();
                })
                .onErrorMap(e -> !(e instanceof PeerException), e -> failure(peer, "update", e))
                .then();
    }

    /**
     * An update body as a stream of buffers of about {@code chunkSize} bytes, written only when asked
     * for: the subscriber's demand is the back-pressure. The writer is closed on completion, error or
     * cancel.
     */
    static Flux<ByteBuf> chunks(Supplier<UpdateWriter> body, ByteBufAllocator alloc, int chunkSize) {
        return Flux.generate(body::get, (UpdateWriter w, reactor.core.publisher.SynchronousSink<ByteBuf> sink) -> {
            ByteBuf buf = alloc.buffer(chunkSize + 4096);
            boolean more;
            try {
                more = w.writeSome(new ByteBufOutputStream(buf), chunkSize);
            } catch (IOException | RuntimeException e) {
                buf.release();
                sink.error(e);
                return w;
            }
            if (buf.isReadable()) {
                sink.next(buf);
            } else {
                buf.release();
            }
            if (!more) {
                sink.complete();
            }
            return w;
        }, UpdateWriter::close);
    }

    /** The signature of a request with {@code body}, or null without a secret. */
    private ClusterSigning.Signed sign(String method, String target, byte[] body) {
        return signing == null ? null : signing.signRequest(method, target, org.dftp.core.auth.ClusterKey.digest(body));
    }

    private static void signed(io.netty.handler.codec.http.HttpHeaders h, ClusterSigning.Signed signed) {
        if (signed != null) {
            h.set(ClusterSigning.HEADER, signed.header());
        }
    }

    /** The body of a {@code 200} answer, its signature checked when the cluster has a secret. */
    private byte[] answer(HostPort peer, String what, reactor.netty.http.client.HttpClientResponse res,
                          ClusterSigning.Signed request, byte[] body) {
        check(peer, what, res.status().code(), body);
        if (request != null) {
            try {
                signing.verifyAnswer(res.status().code(), request, res.responseHeaders().get(ClusterSigning.HEADER),
                        body);
            } catch (ClusterSigning.BadSignature e) {
                throw new PeerException("Error communicating with " + peer + " (" + what + "): " + e.getMessage(),
                        res.status().code());
            }
        }
        return body;
    }

    private String uri(HostPort peer, String path) {
        HostPort target = peer.host().isEmpty() ? new HostPort("127.0.0.1", peer.port()) : peer;
        return scheme + target + path;
    }

    private static Mono<byte[]> readLimited(ByteBufFlux content) {
        return content.asByteArray()
                .collect(ByteArrayOutputStream::new, (out, b) -> {
                    if (out.size() + b.length > MAX_ANSWER) {
                        throw new IllegalStateException("answer larger than " + MAX_ANSWER + " bytes");
                    }
                    out.write(b, 0, b.length);
                })
                .map(ByteArrayOutputStream::toByteArray);
    }

    private static byte[] check(HostPort peer, String what, int status, byte[] body) {
        if (status != 200) {
            String text = new String(body, 0, Math.min(body.length, 500), StandardCharsets.UTF_8).strip();
            throw new PeerException("Error communicating with " + peer + " (" + what + "): HTTP status " + status
                    + " (" + text + ")", status);
        }
        return body;
    }

    private static ClusterInfo clusterInfo(HostPort peer, byte[] body) {
        try {
            return Wire.MAPPER.readValue(body, ClusterInfo.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PeerException("Error decoding cluster info from " + peer + ": " + e.getOriginalMessage(), 200, e);
        } catch (IOException e) {
            throw new PeerException("Error decoding cluster info from " + peer + ": " + e, 200, e);
        }
    }

    private static PeerException failure(HostPort peer, String what, Throwable e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new PeerException("Error communicating with " + peer + " (" + what + "): " + why, 0, e);
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(5));
    }
}
