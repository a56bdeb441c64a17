package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -peer-tls}: two nodes sharing a certificate join over HTTPS management APIs, proxy each other's
 * files, forward writes and serve FTP reads through each other, all over TLS; a node without TLS cannot
 * join them.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class PeerTlsTest {
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");

    @TempDir
    Path base;
    private final List<DftpNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(DftpNode::close);
    }

    private Path resource(String name) throws Exception {
        Path p = base.resolve(name);
        if (!Files.exists(p)) {
            try (InputStream in = PeerTlsTest.class.getResourceAsStream("/tls/" + name)) {
                Files.copy(in, p);
            }
        }
        return p;
    }

    private DftpNode start(String name, Path root, boolean tls, Path users) throws Exception {
        NodeConfig c = NodeConfig.defaults(name, root).withListen(ANY, ANY, ANY).withMulticast(null)
                .withWrites(new NodeConfig.Writes(users, true, 0));
        if (tls) {
            c = c.withTls(new NodeConfig.Tls(resource("a-cert.pem"), resource("a-key.pem"), null, false, true, null));
        }
        DftpNode n = DftpNode.start(c);
        nodes.add(n);
        return n;
    }

    private HttpClient client() throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(resource("a-cert.pem"))) {
            ks.setCertificateEntry("a", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void nodesWithPeerTlsJoinProxyForwardAndServeFtpOverTls() throws Exception {
        Path users = Files.writeString(base.resolve("users"), "alice:" + ClusterWritesTest.hash("secret") + ":write\n");
        Path r1 = Files.createDirectories(base.resolve("r1"));
        Path r2 = Files.createDirectories(base.resolve("r2/theirs"));
        byte[] big = new byte[2 << 20];
        new SecureRandom().nextBytes(big);
        Files.write(r2.resolve("big.bin"), big);
        DftpNode n1 = start("n1", r1, true, users);
        DftpNode n2 = start("n2", base.resolve("r2"), true, users);
        HttpClient https = client();

        HttpResponse<String> joined = https.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + n1.mgmtPort() + "/join/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("peer=127.0.0.1:" + n2.mgmtPort())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, joined.statusCode(), joined.body());

        URI file = URI.create("https://localhost:" + n1.httpPort() + "/fs/theirs/big.bin");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        HttpResponse<byte[]> got;
        do {
            got = https.send(HttpRequest.newBuilder(file).build(), HttpResponse.BodyHandlers.ofByteArray());
        } while (got.statusCode() == 404 && System.nanoTime() < deadline && sleep());
        assertEquals(200, got.statusCode(), "n2's file through n1, the hop over TLS");
        assertArrayEquals(big, got.body());

        HttpResponse<String> put = https.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + n1.httpPort() + "/fs/theirs/new.txt"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8)))
                .PUT(HttpRequest.BodyPublishers.ofString("forwarded\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
        assertEquals("forwarded\n", Files.readString(r2.resolve("new.txt")));

        FTPClient ftp = new FTPClient();
        ftp.connect("127.0.0.1", n1.ftpPort());
        try {
            assertTrue(ftp.login("anonymous", "x"), ftp.getReplyString());
            ftp.enterLocalPassiveMode();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(ftp.retrieveFile("/theirs/big.bin", out), ftp.getReplyString());
            assertArrayEquals(big, out.toByteArray(), "FTP's read through the peer, over TLS");
            assertTrue(ftp.storeFile("/theirs/by-ftp.txt", new java.io.ByteArrayInputStream("x".getBytes())) == false,
                    "anonymous may not write");
        } finally {
            ftp.disconnect();
        }
    }

    @Test
    void aNodeWithoutTlsCannotJoinANodeWithPeerTls() throws Exception {
        Path users = Files.writeString(base.resolve("users"), "");
        DftpNode secure = start("secure", Files.createDirectories(base.resolve("s")), true, users);
        DftpNode plain = start("plain", Files.createDirectories(base.resolve("p")), false, users);
        Web.postForm("http://127.0.0.1:" + plain.mgmtPort() + "/join/", "peer=127.0.0.1:" + secure.mgmtPort());
        Thread.sleep(500);
        assertTrue(secure.store().snapshot().peers().isEmpty(), "the TLS node admits no plain peer");
        assertTrue(plain.store().snapshot().peers().isEmpty());
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }
}
