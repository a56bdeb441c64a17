package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.dftp.core.auth.PasswordHash;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes through any node of a three-node cluster: each lands on the disk of the node that owns the place,
 * forwarded there over HTTP (WebDAV) and FTP, and every node sees it at once or within a moment; the
 * owner dying under a forwarded upload is answered {@code 502} and leaves no file.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(90)
class ClusterWritesTest {
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");
    private static final String AUTH = "Basic " + Base64.getEncoder()
            .encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path base;
    private final List<DftpNode> nodes = new ArrayList<>();
    private DftpNode a;
    private DftpNode b;
    private DftpNode c;
    private Path bRoot;

    @BeforeEach
    void cluster() throws Exception {
        Path users = base.resolve("users");
        Files.writeString(users, "alice:" + hash("secret") + ":write\n");
        bRoot = Files.createDirectories(base.resolve("b"));
        Files.createDirectories(bRoot.resolve("owned"));
        Files.writeString(bRoot.resolve("owned/old.txt"), "old\n");
        a = start("a", Files.createDirectories(base.resolve("a")), users, true);
        b = start("b", bRoot, users, false);
        c = start("c", Files.createDirectories(base.resolve("c")), users, false);
        Files.writeString(base.resolve("c/c-only.txt"), "c\n");
        for (DftpNode n : List.of(a, c)) {
            var joined = Web.postForm("http://127.0.0.1:" + n.mgmtPort() + "/join/", "peer=127.0.0.1:" + b.mgmtPort());
            assertEquals(200, joined.statusCode(), joined.body());
        }
        awaitStatus(a, "/fs/owned/old.txt", 200, Duration.ofSeconds(10));
        awaitStatus(c, "/fs/owned/old.txt", 200, Duration.ofSeconds(10));
        awaitPeers(a, 2);
    }

    @AfterEach
    void stop() {
        nodes.forEach(DftpNode::close);
    }

    private DftpNode start(String name, Path root, Path users, boolean ftp) throws Exception {
        DftpNode n = DftpNode.start(NodeConfig.defaults(name, root)
                .withListen(ANY, ANY, ftp ? ANY : null)
                .withMulticast(null)
                .withWrites(new NodeConfig.Writes(users, true, 0)));
        nodes.add(n);
        return n;
    }

    @Test
    void aWriteThroughOneNodeLandsOnTheOwnersDiskAndEveryNodeSeesIt() throws Exception {
        byte[] body = random(300_000);
        assertEquals(201, put(a, "/fs/owned/new.bin", body).statusCode());
        assertArrayEquals(body, Files.readAllBytes(bRoot.resolve("owned/new.bin")), "the bytes are on b's disk");
        assertFalse(Files.exists(base.resolve("a/owned")), "nothing landed on the forwarding node");
        // The owner announced it before answering: the other nodes have it within a moment.
        awaitStatus(c, "/fs/owned/new.bin", 200, Duration.ofSeconds(2));
        assertArrayEquals(body, Web.get("http://127.0.0.1:" + c.httpPort() + "/fs/owned/new.bin").body());

        assertEquals(201, send(c, "MKCOL", "/fs/owned/sub/", null).statusCode());
        assertTrue(Files.isDirectory(bRoot.resolve("owned/sub")));
        HttpResponse<String> moved = send(c, "MOVE", "/fs/owned/new.bin",
                "http://127.0.0.1:" + c.httpPort() + "/fs/owned/sub/moved.bin");
        assertEquals(201, moved.statusCode(), moved.body());
        assertArrayEquals(body, Files.readAllBytes(bRoot.resolve("owned/sub/moved.bin")));
        assertFalse(Files.exists(bRoot.resolve("owned/new.bin")));
        assertEquals(204, send(a, "DELETE", "/fs/owned/sub/", null).statusCode());
        assertFalse(Files.exists(bRoot.resolve("owned/sub")));
        awaitStatus(a, "/fs/owned/sub/moved.bin", 404, Duration.ofSeconds(2));
    }

    @Test
    void theJsonListingSaysWhetherTheCallerMayWrite() throws Exception {
        String url = "http://127.0.0.1:" + a.httpPort() + "/fs/owned/?format=json";
        String anonymous = Web.HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String alice = Web.HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", AUTH).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(anonymous.contains("\"name\":\"old.txt\"") && anonymous.contains("\"writable\":false"), anonymous);
        assertTrue(alice.contains("\"writable\":true") && !alice.contains("\"writable\":false"), alice);
    }

    @Test
    void aCopyBetweenTwoOwnersIsRefusedWithA502ThatSaysWhy() throws Exception {
        HttpResponse<String> r = send(a, "COPY", "/fs/owned/old.txt", "/fs/c-copy.txt");
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().contains("between nodes"), r.body());
        assertFalse(Files.exists(base.resolve("c/c-copy.txt")));
    }

    @Test
    void anFtpUploadToAnotherNodesDirectoryIsForwardedToItsOwner() throws Exception {
        FTPClient ftp = new FTPClient();
        ftp.connect("127.0.0.1", a.ftpPort());
        try {
            assertTrue(ftp.login("alice", "secret"), ftp.getReplyString());
            ftp.enterLocalPassiveMode();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            byte[] body = random(200_000);
            assertTrue(ftp.storeFile("/owned/by-ftp.bin", new ByteArrayInputStream(body)), ftp.getReplyString());
            assertArrayEquals(body, Files.readAllBytes(bRoot.resolve("owned/by-ftp.bin")));
            assertTrue(ftp.makeDirectory("/owned/ftp-dir"), ftp.getReplyString());
            assertTrue(Files.isDirectory(bRoot.resolve("owned/ftp-dir")));
        } finally {
            ftp.disconnect();
        }
    }

    @Test
    void theOwnerDyingUnderAForwardedUploadIsAnswered502AndLeavesNoFile() throws Exception {
        try (Socket s = new Socket("127.0.0.1", a.httpPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT /fs/owned/cut.bin HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH
                    + "\r\nContent-Length: 100000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = random(1 << 20);
            out.write(chunk);
            out.flush();
            awaitTemp(Duration.ofSeconds(5));
            nodes.remove(b);
            b.close();
            String answer = new String(readSome(s.getInputStream()), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 502"), answer);
            assertTrue(answer.contains("node b"), answer);
        }
        assertFalse(Files.exists(bRoot.resolve("owned/cut.bin")), "no partial file under the target's name");
    }

    private void awaitTemp(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.list(bRoot.resolve("owned"))) {
                if (s.anyMatch(p -> p.getFileName().toString().startsWith(".dftp-upload-"))) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the upload never reached the owner");
    }

    private static byte[] readSome(InputStream in) throws Exception {
        byte[] buf = new byte[4096];
        int n = in.read(buf);
        return n <= 0 ? new byte[0] : java.util.Arrays.copyOf(buf, n);
    }

    private static HttpResponse<String> put(DftpNode n, String path, byte[] body) throws Exception {
        return Web.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort() + path))
                .header("Authorization", AUTH).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A body-less WebDAV request as alice ({@code destination} for MOVE/COPY, else null). */
    static HttpResponse<String> send(DftpNode n, String method, String path, String destination)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort() + path))
                .header("Authorization", AUTH).method(method, HttpRequest.BodyPublishers.noBody());
        if (destination != null) {
            r.header("Destination", destination);
        }
        return Web.HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void awaitStatus(DftpNode n, String path, int status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = Web.get("http://127.0.0.1:" + n.httpPort() + path).statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(path + " on " + n.config().nodeName() + ": " + last + ", not " + status
                + " within " + within);
    }

    private static void awaitPeers(DftpNode n, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (n.store().snapshot().peers().size() < count) {
            assertTrue(System.nanoTime() < deadline, "peers of " + n.config().nodeName());
            Thread.sleep(20);
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** A users-file hash with few iterations: the format of {@code dftp hash-password}, fast enough for tests. */
    static String hash(String password) throws Exception {
        return PasswordHash.hash(password.toCharArray(), PasswordHash.MIN_ITERATIONS);
    }
}
