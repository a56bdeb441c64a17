package org.dftp.core.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2-HMAC-SHA256 password hashes, as the users file stores them:
 * {@code pbkdf2-sha256$<iterations>$<salt>$<key>}, salt (16 bytes) and key (32 bytes) in base64 without
 * padding. The JDK's {@code PBKDF2WithHmacSHA256} does the work, so there is no crypto of our own here;
 * it encodes the password as UTF-8, which is what Python's {@code hashlib.pbkdf2_hmac} and other tools
 * take, so a hash made elsewhere verifies here.
 *
 * <p>Iterations are part of the encoding, so old hashes keep verifying when {@link #DEFAULT_ITERATIONS}
 * goes up. {@link #isWellFormed} refuses counts below {@value #MIN_ITERATIONS} (too cheap to guess
 * against) and above {@value #MAX_ITERATIONS} (a users file that makes every login take minutes).
 */
public final class PasswordHash {
    /**
     * About a tenth of a second on a current core, which a login can afford. OWASP's current advice for
     * HMAC-SHA256 is higher (600,000); since the count is stored in each hash, raising it breaks nothing.
     */
    public static final int DEFAULT_ITERATIONS = 210_000;
    public static final int MIN_ITERATIONS = 10_000;
    static final int MAX_ITERATIONS = 10_000_000;

    private static final String SCHEME = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private PasswordHash() {
    }

    /** A new hash of {@code password} with a random salt and {@link #DEFAULT_ITERATIONS}. */
    public static String hash(char[] password) {
        return hash(password, DEFAULT_ITERATIONS);
    }

    /**
     * A new hash with a random salt and {@code iterations} (at least {@value #MIN_ITERATIONS}): the users
     * files of tests, which cannot wait a tenth of a second per login.
     */
    public static String hash(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return hash(password, salt, iterations);
    }

    /** A hash with a chosen salt and count: known vectors and fast users files for tests. */
    static String hash(char[] password, byte[] salt, int iterations) {
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("salt must be " + SALT_BYTES + " bytes");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between " + MIN_ITERATIONS + " and "
                    + MAX_ITERATIONS);
        }
        byte[] key = derive(password, salt, iterations);
        try {
            return SCHEME + "$" + iterations + "$" + BASE64.encodeToString(salt) + "$" + BASE64.encodeToString(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Whether {@code password} is the one {@code encoded} was made from. False, never an exception, for
     * a malformed encoding, so a caller cannot tell a bad users line from a wrong password by how the
     * login fails. The keys are compared in constant time.
     */
    public static boolean verify(char[] password, String encoded) {
        Parsed parsed = parse(encoded);
        if (parsed == null || password == null) {
            return false;
        }
        byte[] key = derive(password, parsed.salt, parsed.iterations);
        try {
            return MessageDigest.isEqual(key, parsed.key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Whether {@code encoded} is a hash {@link #verify} can check: the scheme, sizes and count above. */
    public static boolean isWellFormed(String encoded) {
        return parse(encoded) != null;
    }

    /** The iteration count of a well-formed encoding, or -1. */
    static int iterations(String encoded) {
        Parsed parsed = parse(encoded);
        return parsed == null ? -1 : parsed.iterations;
    }

    /**
     * A well-formed encoding that no password verifies against (its key is random, not derived), which
     * costs {@code iterations} to check: what an unknown user name is checked against, so that it takes
     * as long to refuse as a known one.
     */
    static String dummy(int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(key);
        return SCHEME + "$" + iterations + "$" + BASE64.encodeToString(salt) + "$" + BASE64.encodeToString(key);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, KEY_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Every Java 17 runtime has to provide it: its absence is a broken JDK, not a bad password.
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    private record Parsed(int iterations, byte[] salt, byte[] key) {
    }

    /** The parts of a canonical encoding, or null: one spelling per hash, so no two strings mean the same. */
    private static Parsed parse(String encoded) {
        if (encoded == null) {
            return null;
        }
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            return null;
        }
        int iterations = parseIterations(parts[1]);
        if (iterations < 0) {
            return null;
        }
        byte[] salt = decode(parts[2], SALT_BYTES);
        byte[] key = decode(parts[3], KEY_BYTES);
        return salt == null || key == null ? null : new Parsed(iterations, salt, key);
    }

    /** Decimal digits without sign or leading zero, within the allowed range; -1 otherwise. */
    private static int parseIterations(String s) {
        if (s.isEmpty() || s.length() > 8 || s.charAt(0) == '0') {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        int n = Integer.parseInt(s);
        return n < MIN_ITERATIONS || n > MAX_ITERATIONS ? -1 : n;
    }

    /** Unpadded base64 of exactly {@code bytes} bytes, in its one canonical spelling; null otherwise. */
    private static byte[] decode(String s, int bytes) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
        // The decoder also takes padding and ignores stray low bits of the last character.
        return decoded.length == bytes && BASE64.encodeToString(decoded).equals(s) ? decoded : null;
    }
}
