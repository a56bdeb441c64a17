package org.dftp.netty.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.function.Consumer;
import javax.crypto.Mac;
import org.dftp.core.auth.ClusterKey;
import org.dftp.core.auth.ReplayGuard;
import org.dftp.core.wire.DiscoveryPing;
import reactor.core.publisher.Flux;

/**
 * How the nodes of a cluster with a secret sign what they send each other, and check what they receive:
 * one header, {@value #HEADER}, on every management request and answer, and one field on every discovery
 * ping (docs/PROTOCOL.md, "Cluster authentication").
 *
 * <pre>
 * X-Dftp-Signature: t=1796000000,n=3q2-7wQx0e1G1vQk,d=&lt;body&gt;,m=&lt;HMAC-SHA256, base64url&gt;
 * request:  m over "dftp-v1 request\n" METHOD "\n" TARGET "\n" t "\n" n "\n" d
 * answer:   m over "dftp-v1 answer\n" STATUS "\n" request's n "\n" t "\n" n "\n" d
 * ping:     Sig "t=..,n=..,m=.." with m over "dftp-v1 ping\n" ClusterName "\n" NodeName "\n" MgmtAddr "\n" t "\n" n
 * </pre>
 * {@code d} is the SHA-256 (hex) of the body, or {@value #FRAMED} for a body sent in signed frames (an
 * update, which is streamed and whose digest is not known before it is sent): each frame is a 4-byte
 * length, the bytes, and a 32-byte HMAC over the request's MAC, the frame's index, its length and its
 * bytes; a frame of length 0 ends the body, so a cut-off body is told from a whole one. The time must be
 * within {@link ReplayGuard#WINDOW} of the receiver's clock and the nonce new to it.
 *
 * <p>Immutable apart from its replay guard; thread-safe.
 */
final class ClusterSigning {
    static final String HEADER = "X-Dftp-Signature";
    static final String FRAMED = "framed";
    /** Largest frame accepted; the sender's are 32 KiB and a little. */
    static final int MAX_FRAME = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ClusterKey key;
    private final Clock clock;
    private final ReplayGuard replays;

    ClusterSigning(ClusterKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
        this.replays = new ReplayGuard(clock);
    }

    /** A refused signature; the message says why, fit for a 401 body and one log line. */
    static final class BadSignature extends RuntimeException {
        BadSignature(String message) {
            super(message, null, false, false);
        }
    }

    /** A signature header, parsed. */
    record Signed(long time, String nonce, String digest, String mac) {
        String header() {
            return "t=" + time + ",n=" + nonce + ",d=" + digest + ",m=" + mac;
        }

        byte[] macBytes() {
            return Base64.getUrlDecoder().decode(mac);
        }

        static Signed parse(String header) {
            if (header == null) {
                throw new BadSignature("unsigned: this node has a cluster secret, and every request between nodes "
                        + "must carry " + HEADER);
            }
            long t = Long.MIN_VALUE;
            String n = null;
            String d = null;
            String m = null;
            for (String part : header.split(",", 5)) {
                int eq = part.indexOf('=');
                String k = eq < 0 ? "" : part.substring(0, eq).trim();
                String v = eq < 0 ? "" : part.substring(eq + 1).trim();
                switch (k) {
                    case "t" -> {
                        try {
                            t = Long.parseLong(v);
                        } catch (NumberFormatException e) {
                            throw new BadSignature("malformed " + HEADER + ": t is not a number");
                        }
                    }
                    case "n" -> n = v;
                    case "d" -> d = v;
                    case "m" -> m = v;
                    default -> throw new BadSignature("malformed " + HEADER);
                }
            }
            if (t == Long.MIN_VALUE || n == null || n.isEmpty() || n.length() > 64 || d == null || m == null) {
                throw new BadSignature("malformed " + HEADER + ": t, n, d and m are required");
            }
            return new Signed(t, n, d, m);
        }
    }

    private String nonce() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    private long now() {
        return clock.millis() / 1000;
    }

    private static String requestText(String method, String target, long t, String n, String d) {
        return "dftp-v1 request\n" + method + "\n" + target + "\n" + t + "\n" + n + "\n" + d;
    }

    private static String answerText(int status, String requestNonce, long t, String n, String d) {
        return "dftp-v1 answer\n" + status + "\n" + requestNonce + "\n" + t + "\n" + n + "\n" + d;
    }

    /** The signature of a request with this body digest ({@link ClusterKey#digest} or {@link #FRAMED}). */
    Signed signRequest(String method, String target, String digest) {
        long t = now();
        String n = nonce();
        return new Signed(t, n, digest, key.sign(requestText(method, target, t, n, digest)));
    }

    /**
     * The signature of a request, checked: its MAC, its time and its nonce. The body is checked against
     * {@code digest} by the caller, once it has read it.
     */
    Signed verifyRequest(String method, String target, String header) {
        Signed s = Signed.parse(header);
        if (!key.verify(requestText(method, target, s.time(), s.nonce(), s.digest()), s.mac())) {
            throw new BadSignature("wrong signature: not signed with this cluster's secret");
        }
        String stale = replays.refusal(s.time(), s.nonce());
        if (stale != null) {
            throw new BadSignature("refused signature: " + stale);
        }
        return s;
    }

    /** The signature of an answer to the request signed {@code request}. */
    Signed signAnswer(int status, Signed request, byte[] body) {
        long t = now();
        String n = nonce();
        String d = ClusterKey.digest(body);
        return new Signed(t, n, d, key.sign(answerText(status, request.nonce(), t, n, d)));
    }

    /** Checks the answer to the request signed {@code request}: its MAC covers the status and this body. */
    void verifyAnswer(int status, Signed request, String header, byte[] body) {
        Signed s = Signed.parse(header);
        if (!s.digest().equals(ClusterKey.digest(body))
                || !key.verify(answerText(status, request.nonce(), s.time(), s.nonce(), s.digest()), s.mac())) {
            throw new BadSignature("the answer is not signed with this cluster's secret");
        }
        String stale = replays.refusal(s.time(), s.nonce());
        if (stale != null) {
            throw new BadSignature("refused answer: " + stale);
        }
    }

    /** Checks a body that was signed by digest. */
    static void checkBody(Signed s, byte[] body) {
        if (!s.digest().equals(ClusterKey.digest(body))) {
            throw new BadSignature("the body does not match its signature");
        }
    }

    /** {@code ping} with its signature. */
    DiscoveryPing signPing(DiscoveryPing ping) {
        long t = now();
        String n = nonce();
        String m = key.sign(pingText(ping, t, n));
        return ping.withSig("t=" + t + ",n=" + n + ",m=" + m);
    }

    /** Why {@code ping} is dropped, or null when it is signed with the secret, fresh and new. */
    String pingRefusal(DiscoveryPing ping) {
        if (ping.sig() == null) {
            return "unsigned";
        }
        Signed s;
        try {
            s = Signed.parse(ping.sig() + ",d=-");
        } catch (BadSignature e) {
            return e.getMessage();
        }
        if (!key.verify(pingText(ping, s.time(), s.nonce()), s.mac())) {
            return "wrong signature";
        }
        return replays.refusal(s.time(), s.nonce());
    }

    private static String pingText(DiscoveryPing p, long t, String n) {
        return "dftp-v1 ping\n" + p.clusterName() + "\n" + p.nodeName() + "\n" + p.mgmtAddr() + "\n" + t + "\n" + n;
    }

    /** {@code body} in signed frames, for the request signed {@code request} (whose digest is {@link #FRAMED}). */
    Flux<ByteBuf> frames(Flux<ByteBuf> body, Signed request, ByteBufAllocator alloc) {
        byte[] chain = request.macBytes();
        Mac mac = key.newMac();
        long[] index = {0};
        return body.<ByteBuf>handle((buf, sink) -> {
                    if (!buf.isReadable()) {
                        buf.release(); // a frame of length 0 is the end: an empty piece is no frame at all
                    } else {
                        sink.next(frame(buf, mac, chain, index[0]++, alloc));
                    }
                })
                .concatWith(reactor.core.publisher.Mono.fromCallable(
                        () -> frame(Unpooled.EMPTY_BUFFER, mac, chain, index[0]++, alloc)));
    }

    private static ByteBuf frame(ByteBuf payload, Mac mac, byte[] chain, long index, ByteBufAllocator alloc) {
        int len = payload.readableBytes();
        ByteBuf out = alloc.buffer(4 + len + ClusterKey.MAC_LENGTH);
        try {
            out.writeInt(len).writeBytes(payload, payload.readerIndex(), len);
            out.writeBytes(frameMac(mac, chain, index, out.nioBuffer(4, len)));
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            payload.release();
        }
    }

    private static byte[] frameMac(Mac mac, byte[] chain, long index, ByteBuffer payload) {
        mac.update(chain);
        mac.update(ByteBuffer.allocate(12).putLong(index).putInt(payload.remaining()).flip());
        mac.update(payload);
        return mac.doFinal();
    }

    /** Reads a framed body as it arrives and hands on the bytes of each frame once its MAC is checked. */
    FrameReader frameReader(Signed request) {
        return new FrameReader(key.newMac(), request.macBytes());
    }

    /** One framed body's reader; used by one request, on one thread at a time. */
    static final class FrameReader {
        private final Mac mac;
        private final byte[] chain;
        private final ByteBuf pending = Unpooled.buffer(0);
        private long index;
        private boolean ended;

        FrameReader(Mac mac, byte[] chain) {
            this.mac = mac;
            this.chain = chain;
        }

        /** Takes the next bytes of the body (not kept) and passes each checked frame's bytes to {@code out}. */
        void feed(ByteBuf in, Consumer<ByteBuf> out) {
            if (ended && in.isReadable()) {
                throw new BadSignature("bytes after the last frame of a signed body");
            }
            pending.writeBytes(in);
            while (pending.readableBytes() >= 4) {
                int len = pending.getInt(pending.readerIndex());
                if (len < 0 || len > MAX_FRAME) {
                    throw new BadSignature("a frame of " + len + " bytes in a signed body");
                }
                if (pending.readableBytes() < 4 + len + ClusterKey.MAC_LENGTH) {
                    break;
                }
                int start = pending.readerIndex() + 4;
                byte[] expected = frameMac(mac, chain, index++, pending.nioBuffer(start, len));
                byte[] given = new byte[ClusterKey.MAC_LENGTH];
                pending.getBytes(start + len, given);
                if (!ClusterKey.same(expected, given)) {
                    throw new BadSignature("frame " + (index - 1) + " of the body does not match its signature");
                }
                if (len == 0) {
                    ended = true;
                } else {
                    out.accept(pending.slice(start, len));
                }
                pending.skipBytes(4 + len + ClusterKey.MAC_LENGTH);
                if (ended && pending.isReadable()) {
                    throw new BadSignature("bytes after the last frame of a signed body");
                }
            }
            pending.discardReadBytes();
        }

        /** Releases what is buffered. */
        void close() {
            if (pending.refCnt() > 0) {
                pending.release();
            }
        }

        /** Fails unless the last frame came: a body cut short is refused, not applied. */
        void finish() {
            if (!ended) {
                throw new BadSignature("the signed body ended before its last frame");
            }
        }
    }
}
