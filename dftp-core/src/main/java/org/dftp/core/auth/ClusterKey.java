package org.dftp.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster secret ({@code -cluster-secret}, {@code -cluster-secret-file}) as an HMAC-SHA256 key: what
 * signs and checks every request, answer and discovery ping between the nodes of a cluster that has one.
 * The secret never leaves this object: {@link #toString()} does not show it, and nothing logs it.
 *
 * <p>Immutable and thread-safe; each call takes its own {@link Mac}.
 */
public final class ClusterKey {
    /** Shortest secret accepted, in bytes: below this a guess is cheap. */
    public static final int MIN_LENGTH = 16;
    static final String ALGORITHM = "HmacSHA256";
    /** Bytes of one MAC. */
    public static final int MAC_LENGTH = 32;

    private final SecretKeySpec key;

    private ClusterKey(byte[] secret) {
        this.key = new SecretKeySpec(secret, ALGORITHM);
    }

    /** The key of {@code secret} (its UTF-8 bytes, surrounding white space removed). */
    public static ClusterKey of(String secret) {
        byte[] bytes = secret.strip().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_LENGTH) {
            throw new IllegalArgumentException("the cluster secret must be at least " + MIN_LENGTH
                    + " bytes long (e.g. `openssl rand -base64 32`)");
        }
        return new ClusterKey(bytes);
    }

    /** A new MAC under this key, to feed a stream through. */
    public Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }

    /**
     * One MAC per thread for {@link #sign} and {@link #verify}: a {@code Mac.getInstance} and {@code init} per
     * message was most of the cost of signing a small file's hop. {@code doFinal} resets it for the next.
     */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    /** The MAC of {@code text} (UTF-8), in URL-safe Base64 without padding. */
    public String sign(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code mac} is {@link #sign}'s of {@code text}, compared in constant time. */
    public boolean verify(String text, String mac) {
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(mac);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8)), given);
    }

    /** The SHA-256 of {@code bytes} in lower-case hex: how a signature names a body it covers. */
    public static String digest(byte[] bytes) {
        try {
            return hex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return s.toString();
    }

    /** Whether two MACs are equal, in constant time. */
    public static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    @Override
    public String toString() {
        return "ClusterKey[secret not shown]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterKey k && Arrays.equals(k.key.getEncoded(), key.getEncoded());
    }

    @Override
    public int hashCode() {
        return 1;
    }
}
