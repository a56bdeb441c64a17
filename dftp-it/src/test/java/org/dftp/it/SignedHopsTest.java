package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.dftp.core.auth.ClusterKey;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.cluster.SignedJoin;
import org.dftp.netty.http.HopSignature;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a cluster with a secret the hops between public ports are signed too: proxied downloads and forwarded
 * writes (WebDAV and FTP) work as before, and a request that claims to be a hop without the cluster's
 * signature is refused with 401, from a peer's own address too. The finding: the owner believed
 * {@code X-Dftp-User} from any address of a node in the cluster, so anyone on a peer's machine (or behind its
 * NAT) could write as any user by naming them.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class SignedHopsTest {
    private static final String SECRET = "a secret of this cluster alone";
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");
    private static final String AUTH = "Basic " + Base64.getEncoder()
            .encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path base;
    private final List<DftpNode> nodes = new ArrayList<>();
    private DftpNode a;
    private DftpNode b;
    private Path bRoot;

    @BeforeEach
    void cluster() throws Exception {
        Path users = base.resolve("users");
        Files.writeString(users, "alice:" + ClusterWritesTest.hash("secret") + ":write\n");
        bRoot = Files.createDirectories(base.resolve("b"));
        Files.createDirectories(bRoot.resolve("owned"));
        Files.writeString(bRoot.resolve("owned/old.txt"), "old\n");
        a = start("a", Files.createDirectories(base.resolve("a")), users, true);
        b = start("b", bRoot, users, false);
        Path secretFile = Files.writeString(base.resolve("secret"), SECRET + "\n");
        StringWriter err = new StringWriter();
        int rc = SignedJoin.run(new String[] {"-cluster-secret-file=" + secretFile, "127.0.0.1:" + a.mgmtPort(),
                "127.0.0.1:" + b.mgmtPort()}, new PrintStream(new ByteArrayOutputStream()), new PrintWriter(err, true));
        assertEquals(0, rc, err.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Web.get(url(a, "/fs/owned/old.txt")).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "a never saw b's files");
            Thread.sleep(20);
        }
    }

    @AfterEach
    void stop() {
        nodes.forEach(DftpNode::close);
    }

    private DftpNode start(String name, Path root, Path users, boolean ftp) throws Exception {
        DftpNode n = DftpNode.start(NodeConfig.defaults(name, root)
                .withListen(ANY, ANY, ftp ? ANY : null)
                .withMulticast(null)
                .withPeers(NodeConfig.Peers.DEFAULTS.withSecret(ClusterKey.of(SECRET)))
                .withWrites(new NodeConfig.Writes(users, true, 0)));
        nodes.add(n);
        return n;
    }

    private static String url(DftpNode n, String path) {
        return "http://127.0.0.1:" + n.httpPort() + path;
    }

    private static HttpResponse<String> send(String url, String method, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return Web.HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void signedHopsCarryDownloadsAndWritesOverHttpWebDavAndFtp() throws Exception {
        assertEquals("old\n", Web.text(url(a, "/fs/owned/old.txt")), "a proxied download");
        HttpResponse<String> put = send(url(a, "/fs/owned/new.txt"), "PUT", "over http\n".getBytes(), "Authorization", AUTH);
        assertEquals(201, put.statusCode(), put.body());
        assertEquals("over http\n", Files.readString(bRoot.resolve("owned/new.txt")), "forwarded to the owner b");
        HttpResponse<String> mkcol = send(url(a, "/fs/owned/dir/"), "MKCOL", null, "Authorization", AUTH);
        assertEquals(201, mkcol.statusCode(), mkcol.body());
        assertTrue(Files.isDirectory(bRoot.resolve("owned/dir")));

        FTPClient ftp = new FTPClient();
        ftp.setDefaultTimeout(10_000);
        ftp.connect("127.0.0.1", a.ftpPort());
        try {
            assertTrue(ftp.login("alice", "secret"), ftp.getReplyString());
            ftp.enterLocalPassiveMode();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            assertTrue(ftp.storeFile("/owned/by-ftp.txt", new ByteArrayInputStream("over ftp\n".getBytes())),
                    ftp.getReplyString());
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            assertTrue(ftp.retrieveFile("/owned/old.txt", got), ftp.getReplyString());
            assertEquals("old\n", got.toString(StandardCharsets.UTF_8), "an FTP download of b's file through a");
        } finally {
            ftp.disconnect();
        }
        assertEquals("over ftp\n", Files.readString(bRoot.resolve("owned/by-ftp.txt")));
    }

    @Test
    void aHopWithoutTheClustersSignatureIsRefusedFromAPeersAddressToo() throws Exception {
        // 127.0.0.1 is a's address: before, b believed the name, and alice's write landed.
        HttpResponse<String> forged = send(url(b, "/fs/owned/forged.txt?redirN=1"), "PUT", "forged\n".getBytes(),
                "X-Dftp-User", "alice");
        assertEquals(401, forged.statusCode(), forged.body());
        assertTrue(forged.body().contains(HopSignature.HEADER), forged.body());
        assertFalse(Files.exists(bRoot.resolve("owned/forged.txt")), "nothing was written");

        HttpResponse<String> read = send(url(b, "/fs/owned/old.txt?redirN=1"), "GET", null);
        assertEquals(401, read.statusCode(), "a hop's read must be signed too");
        assertEquals(200, send(url(b, "/fs/owned/old.txt"), "GET", null).statusCode(), "a client's read is not a hop");

        HopSignature other = new HopSignature(ClusterKey.of("the secret of another cluster"), Clock.systemUTC());
        String target = "/fs/owned/other.txt?redirN=1";
        HttpResponse<String> wrong = send(url(b, target), "PUT", "x".getBytes(), "X-Dftp-User", "alice",
                HopSignature.HEADER, other.sign("PUT", target, "alice"));
        assertEquals(401, wrong.statusCode(), wrong.body());

        HopSignature mine = new HopSignature(ClusterKey.of(SECRET), Clock.systemUTC());
        String signed = mine.sign("PUT", target, "alice");
        assertEquals(201, send(url(b, target), "PUT", "signed\n".getBytes(), "X-Dftp-User", "alice",
                HopSignature.HEADER, signed).statusCode(), "signed with the secret, a hop is believed");
        HttpResponse<String> replayed = send(url(b, target), "PUT", "replayed\n".getBytes(), "X-Dftp-User", "alice",
                HopSignature.HEADER, signed);
        assertEquals(401, replayed.statusCode(), replayed.body());
        assertEquals("signed\n", Files.readString(bRoot.resolve("owned/other.txt")), "the replay changed nothing");
        HttpResponse<String> otherUser = send(url(b, "/fs/owned/bob.txt?redirN=1"), "PUT", "x".getBytes(),
                "X-Dftp-User", "bob", HopSignature.HEADER, mine.sign("PUT", "/fs/owned/bob.txt?redirN=1", "alice"));
        assertEquals(401, otherUser.statusCode(), "the signature covers the user it vouches for");
    }
}
