package org.dftp.ftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.dftp.core.auth.Users;

/**
 * Users files for tests, with hashes of the lowest iteration count the users file takes, so that a login
 * costs milliseconds: {@code pbkdf2-sha256$10000$<salt>$<key>}, as {@code PasswordHash} encodes them.
 */
final class TestUsers {
    static final int ITERATIONS = 10_000;
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private TestUsers() {
    }

    static String hash(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256);
        try {
            byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            return "pbkdf2-sha256$" + ITERATIONS + "$" + BASE64.encodeToString(salt) + "$" + BASE64.encodeToString(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
