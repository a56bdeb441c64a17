package org.dftp.netty;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.dftp.core.auth.PasswordHash;

/**
 * {@code dftp hash-password}: turns a password into the hash a line of the users file holds, so that
 * nobody has to write PBKDF2 by hand. At a terminal it asks twice with echo off, so a typo does not
 * become a password nobody knows; otherwise it takes the first line of its input, so scripts and
 * password managers can pipe one in. The password is never an argument: arguments show in {@code ps}
 * and in shell history.
 */
public final class HashPassword {
    static final int EXIT_OK = 0;
    static final int EXIT_IO = 1;
    static final int EXIT_USAGE = 2;

    private HashPassword() {
    }

    /** Reads the password from {@code in} (or the console), prints its hash and a newline; the exit code. */
    public static int run(InputStream in, PrintStream out, PrintStream err) {
        char[] password;
        Console console = System.console();
        try {
            if (console != null && in == System.in) {
                password = askTwice(console, err);
                if (password == null) {
                    return EXIT_USAGE;
                }
            } else {
                password = firstLine(in);
            }
        } catch (IOException e) {
            err.println("hash-password: cannot read the password: " + e.getMessage());
            return EXIT_IO;
        }
        try {
            if (password.length == 0) {
                err.println("hash-password: an empty password is refused");
                return EXIT_USAGE;
            }
            out.print(PasswordHash.hash(password) + "\n");
            out.flush();
            return EXIT_OK;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The password typed twice the same, or null (told on {@code err}) when it was not. */
    private static char[] askTwice(Console console, PrintStream err) {
        char[] first = console.readPassword("Password: ");
        char[] second = first == null ? null : console.readPassword("Repeat password: ");
        if (second == null) {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            err.println("hash-password: no password read");
            return null;
        }
        boolean same = Arrays.equals(first, second);
        Arrays.fill(second, '\0');
        if (!same) {
            Arrays.fill(first, '\0');
            err.println("hash-password: the passwords do not match");
            return null;
        }
        return first;
    }

    /**
     * The first line of {@code in} without its line end ({@code \n} or {@code \r\n}), as strict UTF-8:
     * a password read with the wrong encoding would hash to something its owner cannot type. Read into
     * a char array, not a String, so it can be wiped afterwards.
     */
    private static char[] firstLine(InputStream in) throws IOException {
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
        char[] buf = new char[64];
        int n = 0;
        for (int c = reader.read(); c >= 0 && c != '\n'; c = reader.read()) {
            if (n == buf.length) {
                char[] bigger = Arrays.copyOf(buf, 2 * n);
                Arrays.fill(buf, '\0');
                buf = bigger;
            }
            buf[n++] = (char) c;
        }
        if (n > 0 && buf[n - 1] == '\r') {
            n--;
        }
        char[] line = Arrays.copyOf(buf, n);
        Arrays.fill(buf, '\0');
        return line;
    }
}
