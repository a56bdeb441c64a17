package org.dftp.ftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dftp.core.auth.PasswordHash;
import org.dftp.core.auth.Users;

/**
 * Users files for tests, with hashes of the lowest iteration count the users file takes, so that a login
 * costs milliseconds: {@code pbkdf2-sha256$10000$<salt>$<key>}, as {@code PasswordHash} encodes them.
 */
final class TestUsers {
    private TestUsers() {
    }

    static String hash(String password) {
        return PasswordHash.hash(password.toCharArray(), PasswordHash.MIN_ITERATIONS);
    }

    /** A line of the users file: {@code name:hash:read|write[:prefix]}. */
    static String line(String name, String password, String rights, String prefix) {
        return name + ":" + hash(password) + ":" + rights + (prefix == null ? "" : ":" + prefix);
    }

    /** The users of a file with these lines, written to {@code dir/users}. */
    static Users load(Path dir, String... lines) throws IOException {
        Path file = dir.resolve("users");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return Users.load(file);
    }
}
