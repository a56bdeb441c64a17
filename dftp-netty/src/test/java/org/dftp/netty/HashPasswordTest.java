package org.dftp.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.dftp.core.auth.PasswordHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code dftp hash-password} fed from a pipe: the first line becomes a hash that verifies, an empty one is refused. */
class HashPasswordTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(byte[] input) {
        return HashPassword.run(new ByteArrayInputStream(input),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int run(String input) {
        return run(input.getBytes(StandardCharsets.UTF_8));
    }

    /** The one line printed, checked to be a single hash and a newline. */
    private String printedHash() {
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.endsWith("\n"), printed);
        String hash = printed.substring(0, printed.length() - 1);
        assertFalse(hash.contains("\n"), printed);
        assertTrue(PasswordHash.isWellFormed(hash), hash);
        assertTrue(hash.startsWith("pbkdf2-sha256$" + PasswordHash.DEFAULT_ITERATIONS + "$"), hash);
        return hash;
    }

    @Test
    void printsAHashOfTheFirstLineOnly() {
        assertEquals(0, run("s3cret pässwörd\nsecond line\n"));
        String hash = printedHash();
        assertTrue(PasswordHash.verify("s3cret pässwörd".toCharArray(), hash));
        assertFalse(PasswordHash.verify("second line".toCharArray(), hash));
        assertFalse(PasswordHash.verify("s3cret pässwörd\n".toCharArray(), hash));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void takesAWindowsLineEndOrNoneAndKeepsSpaces() {
        assertEquals(0, run(" pw \r\n"));
        assertTrue(PasswordHash.verify(" pw ".toCharArray(), printedHash()));
        out.reset();
        assertEquals(0, run("no newline at all"));
        assertTrue(PasswordHash.verify("no newline at all".toCharArray(), printedHash()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "\r\n", "\nsecond line\n"})
    void refusesAnEmptyPassword(String input) {
        assertEquals(2, run(input));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("empty password"), err.toString());
    }

    @Test
    void refusesInputThatIsNotUtf8() {
        assertEquals(1, run(new byte[] {'p', 'w', (byte) 0xE9, '\n'}));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("hash-password: cannot read the password"),
                err.toString());
    }
}
