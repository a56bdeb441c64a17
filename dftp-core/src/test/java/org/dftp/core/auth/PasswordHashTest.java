package org.dftp.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hashes verify, wrong passwords and malformed encodings do not, and the bytes match another implementation. */
class PasswordHashTest {
    /** Bytes 0 to 15: the salt of the known vectors. */
    static final byte[] SALT = salt();

    /** The canonical salt of {@link #SALT} in the encoding, and a key for it, to build malformed variants. */
    static final String SALT_B64 = "AAECAwQFBgcICQoLDA0ODw";
    static final String KEY_B64 = "2flfZcLfnShdJogjAMpb4p4+1QBVZmODXExi4nBRUCI";
    static final String GOOD = "pbkdf2-sha256$10000$" + SALT_B64 + "$" + KEY_B64;

    static byte[] salt() {
        byte[] s = new byte[16];
        IntStream.range(0, 16).forEach(i -> s[i] = (byte) i);
        return s;
    }

    /**
     * Computed independently with Python:
     * {@code hashlib.pbkdf2_hmac("sha256", pw.encode("utf-8"), bytes(range(16)), 10000, 32)}, base64
     * without padding. The second pins the password's encoding as UTF-8.
     */
    @Test
    void matchesKnownVectors() {
        assertEquals(GOOD, PasswordHash.hash("correct horse battery staple".toCharArray(), SALT, 10_000));
        assertEquals("pbkdf2-sha256$10000$" + SALT_B64 + "$KLMvGf4R1TBSyn7huBjT4GDghp5G4+Ww7woo5WsBalo",
                PasswordHash.hash("pässwörd".toCharArray(), SALT, 10_000));
        assertTrue(PasswordHash.verify("correct horse battery staple".toCharArray(), GOOD));
        assertFalse(PasswordHash.verify("correct horse battery stapl".toCharArray(), GOOD));
    }

    @Test
    void roundTripsWithTheDefaultCount() {
        String encoded = PasswordHash.hash("s3cret!".toCharArray());
        assertTrue(encoded.startsWith("pbkdf2-sha256$210000$"), encoded);
        assertTrue(PasswordHash.isWellFormed(encoded));
        assertEquals(PasswordHash.DEFAULT_ITERATIONS, PasswordHash.iterations(encoded));
        assertTrue(PasswordHash.verify("s3cret!".toCharArray(), encoded));
        assertFalse(PasswordHash.verify("s3cret".toCharArray(), encoded));
    }

    @Test
    void wrongPasswordsDoNotVerify() {
        String encoded = PasswordHash.hash("right".toCharArray(), SALT, 10_000);
        assertTrue(PasswordHash.verify("right".toCharArray(), encoded));
        for (String wrong : new String[] {"wrong", "Right", "right ", "", "righ", "\0right", "rig\0ht"}) {
            assertFalse(PasswordHash.verify(wrong.toCharArray(), encoded), wrong);
        }
        assertFalse(PasswordHash.verify(null, encoded));
    }

    /**
     * Not a choice of ours but of PBKDF2: HMAC pads a short key with zero bytes, so a password and the
     * same with trailing NULs derive one key (Python agrees). Pinned here so that it surprises nobody;
     * knowing either means knowing the password.
     */
    @Test
    void trailingNulsAreHmacKeyPadding() {
        String encoded = PasswordHash.hash("right".toCharArray(), SALT, 10_000);
        assertTrue(PasswordHash.verify("right\0".toCharArray(), encoded));
        assertTrue(PasswordHash.verify("right\0\0".toCharArray(), encoded));
    }

    @Test
    void anEmptyPasswordHashesAndVerifiesLikeAnyOther() {
        String encoded = PasswordHash.hash(new char[0], SALT, 10_000);
        assertTrue(PasswordHash.verify(new char[0], encoded));
        assertFalse(PasswordHash.verify("x".toCharArray(), encoded));
    }

    @Test
    void theSaltMakesEveryHashOfOnePasswordDifferent() {
        String a = PasswordHash.hash("same".toCharArray());
        String b = PasswordHash.hash("same".toCharArray());
        assertNotEquals(a, b);
        assertNotEquals(a.split("\\$")[2], b.split("\\$")[2], "different salts");
        assertTrue(PasswordHash.verify("same".toCharArray(), a));
        assertTrue(PasswordHash.verify("same".toCharArray(), b));
    }

    static Stream<String> malformed() {
        String rest = "$" + SALT_B64 + "$" + KEY_B64;
        return Stream.of(
                null,
                "",
                "correct horse battery staple",
                "$$$",
                "pbkdf2-sha256",
                "pbkdf2-sha256$10000$" + SALT_B64,                                // no key
                GOOD + "$",                                                        // a fifth field
                "pbkdf2-sha512$10000" + rest,                                      // another scheme
                "PBKDF2-SHA256$10000" + rest,
                "pbkdf2-sha256$9999" + rest,                                       // too few iterations
                "pbkdf2-sha256$10000001" + rest,                                   // too many
                "pbkdf2-sha256$99999999999" + rest,                                // beyond int
                "pbkdf2-sha256$-10000" + rest,
                "pbkdf2-sha256$+10000" + rest,
                "pbkdf2-sha256$010000" + rest,                                     // not canonical
                "pbkdf2-sha256$1e5" + rest,
                "pbkdf2-sha256$$" + SALT_B64 + "$" + KEY_B64,
                "pbkdf2-sha256$10000$" + SALT_B64 + "==$" + KEY_B64,               // padded
                "pbkdf2-sha256$10000$" + SALT_B64 + "$" + KEY_B64 + "=",
                "pbkdf2-sha256$10000$" + SALT_B64.substring(1) + "$" + KEY_B64,    // short salt
                "pbkdf2-sha256$10000$" + SALT_B64 + "AA$" + KEY_B64,               // long salt
                "pbkdf2-sha256$10000$" + SALT_B64 + "$" + KEY_B64.substring(4),    // short key
                "pbkdf2-sha256$10000$" + SALT_B64 + "$" + KEY_B64 + "AAAA",        // long key
                "pbkdf2-sha256$10000$" + SALT_B64.replace('A', '*') + "$" + KEY_B64, // not base64
                "pbkdf2-sha256$10000$" + SALT_B64 + "$" + KEY_B64.replace('+', '-'), // URL alphabet
                "pbkdf2-sha256$10000$" + SALT_B64.substring(0, 21) + "x$" + KEY_B64, // stray low bits
                " " + GOOD,
                GOOD + "\n");
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedEncodingsNeitherVerifyNorThrow(String encoded) {
        assertFalse(PasswordHash.isWellFormed(encoded));
        assertFalse(PasswordHash.verify("correct horse battery staple".toCharArray(), encoded));
        assertEquals(-1, PasswordHash.iterations(encoded));
    }

    @Test
    void theIterationBoundsAreInclusive() {
        assertTrue(PasswordHash.isWellFormed(GOOD));
        assertTrue(PasswordHash.isWellFormed("pbkdf2-sha256$10000000$" + SALT_B64 + "$" + KEY_B64));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.hash("x".toCharArray(), SALT, 9_999));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.hash("x".toCharArray(), new byte[8], 10_000));
    }

    @Test
    void aDummyIsWellFormedCostsWhatItSaysAndMatchesNothing() {
        String dummy = PasswordHash.dummy(10_000);
        assertTrue(PasswordHash.isWellFormed(dummy));
        assertEquals(10_000, PasswordHash.iterations(dummy));
        assertFalse(PasswordHash.verify(new char[0], dummy));
        assertFalse(PasswordHash.verify("correct horse battery staple".toCharArray(), dummy));
        assertNotEquals(dummy, PasswordHash.dummy(10_000));
    }
}
