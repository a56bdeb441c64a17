package org.dftp.netty.http;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import org.dftp.core.auth.ClusterKey;
import org.dftp.core.auth.ReplayGuard;

/**
 * The cluster's signature on a request that one node sends another's public port, as a hop: a proxied
 * download (HTTP or for FTP), a forwarded write (WebDAV or FTP) and the user it vouches for. Only with a
 * cluster secret; docs/PROTOCOL.md, "Cluster authentication".
 *
 * <pre>
 * X-Dftp-Hop: t=1796000000,n=3q2-7wQx0e1G1vQk,m=&lt;HMAC-SHA256, base64url&gt;
 * m over "dftp-v1 hop\n" METHOD "\n" TARGET "\n" VOUCHED-USER (or empty) "\n" t "\n" n
 * </pre>
 * The receiver refuses, with {@code 401}, any request that claims to be a hop ({@code redirN} in its query,
 * or {@value Access#VOUCHED_USER}) and is not signed so, within {@link ReplayGuard#WINDOW}, with a nonce new
 * to it: without it, anyone who reaches the public port from a peer's address could name any user. What is
 * not covered is the body (a forwarded upload is streamed, its digest unknown before it is sent) and the
 * other headers: {@code -peer-tls} protects those on the wire.
 *
 * <p>Thread-safe: signing keeps no state, checking only the replay guard's.
 */
public final class HopSignature {
    public static final String HEADER = "X-Dftp-Hop";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ClusterKey key;
    private final Clock clock;
    private final ReplayGuard replays;
    /**
     * Nonces need to be new, not secret (the MAC covers them): a random prefix of this process and a counter,
     * instead of a SecureRandom draw per request, which serialized every small file's hop on one lock.
     */
    private final String noncePrefix;
    private final java.util.concurrent.atomic.AtomicLong nonces = new java.util.concurrent.atomic.AtomicLong();

    public HopSignature(ClusterKey key, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.replays = new ReplayGuard(clock);
        byte[] prefix = new byte[9];
        RANDOM.nextBytes(prefix);
        this.noncePrefix = B64.encodeToString(prefix);
    }

    /**
     * A user name as a header carries it and a receiver reads it: its UTF-8 bytes, one char each (a header is
     * read byte for byte). Senders put this in {@value Access#VOUCHED_USER} and sign it; {@link Access} decodes it.
     */
    public static String wireForm(String user) {
        return new String(user.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * The signature of a hop to {@code target} (its request-target: path and query), vouching for {@code user}
     * (in {@link #wireForm}, as sent) or none (null).
     */
    public String sign(String method, String target, String user) {
        long t = clock.millis() / 1000;
        String n = noncePrefix + Long.toString(nonces.incrementAndGet(), 36);
        return "t=" + t + ",n=" + n + ",m=" + key.sign(text(method, target, user, t, n));
    }

    /** Why the hop signed {@code header} is refused, or null when it is good, fresh and new. */
    public String refusal(String method, String target, String user, String header) {
        if (header == null) {
            return "a request between nodes must carry " + HEADER + " in a cluster with a secret";
        }
        long t = Long.MIN_VALUE;
        String n = null;
        String m = null;
        for (String part : header.split(",", 4)) {
            int eq = part.indexOf('=');
            if (eq < 1) {
                return "malformed " + HEADER;
            }
            String v = part.substring(eq + 1);
            switch (part.substring(0, eq)) {
                case "t" -> {
                    try {
                        t = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        return "malformed " + HEADER + " time";
                    }
                }
                case "n" -> n = v;
                case "m" -> m = v;
                default -> {
                    return "malformed " + HEADER;
                }
            }
        }
        if (t == Long.MIN_VALUE || n == null || m == null || n.isEmpty() || n.length() > 64) {
            return "malformed " + HEADER;
        }
        if (!key.verify(text(method, target, user, t, n), m)) {
            return "wrong " + HEADER + ": not signed with this cluster's secret";
        }
        return replays.refusal(t, n);
    }

    private static String text(String method, String target, String user, long t, String n) {
        return "dftp-v1 hop\n" + method + "\n" + target + "\n" + (user == null ? "" : user) + "\n" + t + "\n" + n;
    }
}
