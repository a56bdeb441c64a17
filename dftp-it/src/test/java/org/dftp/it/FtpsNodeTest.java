package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPSClient;
import org.dftp.core.DfsPath;
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
 * FTPS on a whole node started with {@code -tls-cert}, {@code -tls-key} and {@code -ftp-require-tls}, next to a
 * plain node that owns some of the files: over private data connections the TLS node serves its own files and
 * the other node's (fetched from their owner, never spliced under TLS), resumes both, and takes uploads for its
 * own disk and for the other node's; a login in clear is refused.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class FtpsNodeTest {
    private static final HostPort ANY = HostPort.parse("127.0.0.1:0");

    @TempDir
    Path base;
    private final List<DftpNode> nodes = new ArrayList<>();
    private final byte[] local = random(1_500_000);
    private final byte[] owned = random(2_500_000);
    private Path aRoot;
    private Path bRoot;
    private DftpNode a;
    private ListAppender<ILoggingEvent> ftpLog;

    @BeforeEach
    void cluster() throws Exception {
        Path users = base.resolve("users");
        Files.writeString(users, "alice:" + ClusterWritesTest.hash("secret") + ":write\n");
        Path cert = copy("a-cert.pem");
        Path key = copy("a-key.pem");
        aRoot = Files.createDirectories(base.resolve("a"));
        bRoot = Files.createDirectories(base.resolve("b"));
        Files.write(aRoot.resolve("local.bin"), local);
        Files.createDirectories(bRoot.resolve("owned"));
        Files.write(bRoot.resolve("owned/big.bin"), owned);
        ftpLog = LogCapture.info("org.dftp.ftp.DfsFtpServer");
        a = start(NodeConfig.defaults("a", aRoot).withListen(ANY, ANY, ANY).withMulticast(null)
                .withWrites(new NodeConfig.Writes(users, true, 0))
                .withTls(new NodeConfig.Tls(cert, key, null, true)));
        DftpNode b = start(NodeConfig.defaults("b", bRoot).withListen(ANY, ANY, null).withMulticast(null)
                .withWrites(new NodeConfig.Writes(users, true, 0)));
        var joined = Web.postForm("http://127.0.0.1:" + a.mgmtPort() + "/join/", "peer=127.0.0.1:" + b.mgmtPort());
        assertEquals(200, joined.statusCode(), joined.body());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (a.store().snapshot().tree().lookup(DfsPath.of("owned/big.bin")) == null) {
            assertTrue(System.nanoTime() < deadline, "a never saw b's files");
            Thread.sleep(20);
        }
    }

    @AfterEach
    void stop() {
        nodes.forEach(DftpNode::close);
    }

    private DftpNode start(NodeConfig config) throws Exception {
        DftpNode n = DftpNode.start(config);
        nodes.add(n);
        return n;
    }

    private Path copy(String resource) throws Exception {
        try (InputStream in = FtpsNodeTest.class.getResourceAsStream("/tls/" + resource)) {
            Path p = base.resolve(resource);
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            return p;
        }
    }

    private static SSLContext trustingA() throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = FtpsNodeTest.class.getResourceAsStream("/tls/a-cert.pem")) {
            ks.setCertificateEntry("a", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void theNodeServesAndTakesEveryFileOverTlsOnly() throws Exception {
        assertTrue(ftpLog.list.stream().map(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.startsWith("FTP public interface listening on 127.0.0.1:") && m.endsWith("... (TLS required)")),
                ftpLog.list.toString());

        FTPClient plain = new FTPClient();
        plain.connect("127.0.0.1", a.ftpPort());
        try {
            assertFalse(plain.login("alice", "secret"));
            assertEquals(530, plain.getReplyCode(), plain.getReplyString());
        } finally {
            plain.disconnect();
        }

        FTPSClient ftps = new FTPSClient(false, trustingA());
        ftps.setDefaultTimeout(10_000);
        ftps.connect("127.0.0.1", a.ftpPort());
        try {
            assertTrue(ftps.login("alice", "secret"), ftps.getReplyString());
            ftps.execPBSZ(0);
            ftps.execPROT("P");
            ftps.enterLocalPassiveMode();
            ftps.setFileType(FTP.BINARY_FILE_TYPE);
            assertArrayEquals(local, retrieve(ftps, "/local.bin"));
            assertArrayEquals(owned, retrieve(ftps, "/owned/big.bin"), "b's file, fetched by a, encrypted by a");
            ftps.setRestartOffset(1_000_001);
            assertArrayEquals(Arrays.copyOfRange(owned, 1_000_001, owned.length), retrieve(ftps, "/owned/big.bin"));
            ftps.setRestartOffset(700_000);
            assertArrayEquals(Arrays.copyOfRange(local, 700_000, local.length), retrieve(ftps, "/local.bin"));

            byte[] up = random(1_200_000);
            assertTrue(ftps.storeFile("/mine.bin", new ByteArrayInputStream(up)), ftps.getReplyString());
            assertArrayEquals(up, Files.readAllBytes(aRoot.resolve("mine.bin")));
            assertTrue(ftps.storeFile("/owned/up.bin", new ByteArrayInputStream(up)), ftps.getReplyString());
            assertArrayEquals(up, Files.readAllBytes(bRoot.resolve("owned/up.bin")), "forwarded to its owner");
        } finally {
            ftps.disconnect();
        }
    }

    private static byte[] retrieve(FTPClient client, String path) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile(path, out), client.getReplyString());
        return out.toByteArray();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
