package org.dftp.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.dftp.core.auth.PasswordHash;
import org.dftp.core.local.LocalRoot;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;

/**
 * What the WebDAV tests share: a users file (alice writes everywhere, bob only reads, carol writes below
 * {@code carol/}), all with {@link #PASSWORD}, hashed with the lowest iteration count the users file takes so a
 * login costs milliseconds; a node on loopback with it; and the upload temp files left in a tree.
 */
final class DavFixture {
    static final String PASSWORD = "secret";

    private DavFixture() {
    }

    /** {@code pbkdf2-sha256$10000$<salt>$<key>}, as {@code PasswordHash} encodes it. */
    static String hash(String password) {
        return PasswordHash.hash(password.toCharArray(), PasswordHash.MIN_ITERATIONS);
    }

    /** The users file of these tests, written into {@code dir}. */
    static Path users(Path dir) throws IOException {
        Path file = dir.resolve("users");
        Files.writeString(file, String.join("\n",
                "alice:" + hash(PASSWORD) + ":write",
                "bob:" + hash(PASSWORD) + ":read",
                "carol:" + hash(PASSWORD) + ":write:carol/") + "\n", StandardCharsets.UTF_8);
        return file;
    }

    /** A node over {@code root} on loopback ports, no FTP, no multicast. */
    static DftpNode start(Path root, NodeConfig.Writes writes) throws Exception {
        return DftpNode.start(NodeConfig.defaults("dav", root)
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null)
                .withMulticast(null)
                .withWrites(writes));
    }

    /** The {@code Authorization} header of {@code user} with {@link #PASSWORD}. */
    static String basic(String user) {
        return basic(user, PASSWORD);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Every upload temp file ({@value LocalRoot#TEMP_PREFIX}...) under {@code root}. */
    static List<Path> temps(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.getFileName().toString().startsWith(LocalRoot.TEMP_PREFIX)).toList();
        }
    }
}
