package org.dftp.netty.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.auth.User;
import org.dftp.core.auth.Users;

/**
 * Who may do what over HTTP: the users file (HTTP Basic), whether anonymous callers may read, the delay
 * against guessing, and which addresses are peers whose {@value #VOUCHED_USER} header is believed.
 *
 * <p>A peer that forwards a write to the owner vouches for the caller it authenticated by naming it in
 * {@value #VOUCHED_USER}; the owner takes the user's rights from its own users file. The header is believed
 * from an address of a node in the cluster state and from nowhere else, and in a cluster with a secret only
 * with a good {@link HopSignature} (docs/WRITES.md).
 */
public final class Access {
    public static final String VOUCHED_USER = "X-Dftp-User";

    /** Anonymous reads, no users: a read-only server, as a node without {@code -users}. */
    public static final Access READ_ONLY = new Access(Users.none(), true, new LoginThrottle(), a -> false, Runnable::run);

    private final Users users;
    private final boolean anonymousRead;
    private final LoginThrottle throttle;
    private final Predicate<InetAddress> peers;
    private final Executor verifier;
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<User>> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final byte[] flightKey = randomKey();
    /** With a cluster secret, what every hop from another node must be signed with; null without one. */
    private final HopSignature hops;

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        return k;
    }

    /**
     * @param peers whether an address is a peer node's, whose vouching is believed
     * @param verifier runs the password checks (a tenth of a second of PBKDF2 each), never an event loop
     */
    public Access(Users users, boolean anonymousRead, LoginThrottle throttle, Predicate<InetAddress> peers,
                  Executor verifier) {
        this(users, anonymousRead, throttle, peers, verifier, null);
    }

    private Access(Users users, boolean anonymousRead, LoginThrottle throttle, Predicate<InetAddress> peers,
                   Executor verifier, HopSignature hops) {
        this.users = Objects.requireNonNull(users, "users");
        this.anonymousRead = anonymousRead;
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.peers = Objects.requireNonNull(peers, "peers");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.hops = hops;
    }

    /** The same, in a cluster with a secret: every hop from another node must be signed with {@code hops}. */
    public Access withHopSignature(HopSignature hops) {
        return new Access(users, anonymousRead, throttle, peers, verifier, Objects.requireNonNull(hops, "hops"));
    }

    /**
     * Why {@code req} is refused as a hop, or null: in a cluster with a secret, a request that claims to come
     * from another node ({@code redirN} in its query, or a vouched user) must carry that node's
     * {@link HopSignature}; without a secret, or for a request that claims nothing, there is nothing to check.
     */
    String hopRefusal(HttpRequest req) {
        if (hops == null) {
            return null;
        }
        String user = req.headers().get(VOUCHED_USER);
        if (user == null && !req.uri().contains("redirN=")) {
            return null;
        }
        return hops.refusal(req.method().name(), req.uri(), user, req.headers().get(HopSignature.HEADER));
    }

    /**
     * Checks {@code creds} on the verifier's threads. Requests that carry the same credentials while a check
     * of them runs share it: a client opening 64 connections at once costs one PBKDF2, not 64. The
     * requests in flight are keyed by the name and an HMAC of the password under a key of this process,
     * never by the password itself.
     */
    java.util.concurrent.CompletableFuture<User> verify(Credentials creds) {
        String key = creds.name() + '\0' + flightMac(creds.password());
        java.util.concurrent.CompletableFuture<User> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<User> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        try {
            verifier.execute(() -> {
                try {
                    mine.complete(users.authenticate(creds.name(), creds.password()));
                } catch (RuntimeException e) {
                    mine.completeExceptionally(e);
                } finally {
                    inFlight.remove(key, mine);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.remove(key, mine);
            mine.complete(null);
        }
        return mine;
    }

    private String flightMac(String password) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(flightKey, "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    public Users users() {
        return users;
    }

    public boolean anonymousRead() {
        return anonymousRead;
    }

    public LoginThrottle throttle() {
        return throttle;
    }

    /** Whether anyone may write: a users file names someone. */
    public boolean anyUsers() {
        return !users.isEmpty();
    }

    /** The user a peer at {@code from} vouches for in {@code req}, or null when it does not or is no peer. */
    User vouched(HttpRequest req, InetAddress from) {
        String name = req.headers().get(VOUCHED_USER);
        if (name == null || from == null || !peers.test(from)) {
            return null;
        }
        // Sent as UTF-8 bytes (HopSignature.wireForm), read one char per byte.
        return users.find(new String(name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A name and password from an {@code Authorization: Basic} header. */
    record Credentials(String name, String password) {
        @Override
        public String toString() {
            return "Credentials[" + name + "]"; // never the password
        }
    }

    /** Thrown for an {@code Authorization} header that is not Basic or not decodable. */
    static final class BadCredentials extends Exception {
        BadCredentials(String message) {
            super(message, null, false, false);
        }
    }

    /** The request's Basic credentials, or null when it sends none. */
    static Credentials credentials(HttpRequest req) throws BadCredentials {
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h == null) {
            return null;
        }
        h = h.trim();
        if (!h.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new BadCredentials("only Basic authorization is supported");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadCredentials("malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new BadCredentials("malformed Basic credentials");
        }
        return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
