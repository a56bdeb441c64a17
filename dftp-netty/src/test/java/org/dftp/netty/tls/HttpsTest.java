package org.dftp.netty.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.netty.HostPort;
import org.dftp.netty.Transports;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.PublicHttpServer;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS on the public port: files whole over TLS, the engine, a renewed certificate taken without a restart. */
@ExtendWith(NettyLeaks.class)
class HttpsTest {
    @TempDir
    Path dir;
    Path root;
    Path cert;
    Path key;
    EventLoopGroup loops;
    PublicHttpServer server;
    ServerTls tls;
    byte[] big;

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        big = new byte[3 << 20];
        new SecureRandom().nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("a.txt"), "over TLS\n");
        Path many = Files.createDirectories(root.resolve("many"));
        for (int i = 0; i < 40; i++) {
            Files.writeString(many.resolve("a-file-with-a-longish-name-" + i + ".txt"), "x");
        }
        Path cut = Files.createDirectories(root.resolve("cut"));
        Files.write(cut.resolve("a.bin"), big);
        Files.writeString(cut.resolve("b.txt"), "deleted before its turn\n");
        cert = copy("a-cert.pem", "cert.pem");
        key = copy("a-key.pem", "key.pem");
        tls = ServerTls.load(cert, key);
        var tree = Trees.fromDisk(root, "ga");
        loops = Transports.newGroup(1);
        server = PublicHttpServer.startTls(HostPort.parse("127.0.0.1:0"), loops, loops,
                DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT)), tls);
    }

    @AfterEach
    void stop() {
        server.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Path copy(String resource, String as) throws IOException {
        try (InputStream in = HttpsTest.class.getResourceAsStream("/tls/" + resource)) {
            Path p = dir.resolve(as);
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            return p;
        }
    }

    private static SSLContext trusting(String... resources) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (String r : resources) {
            try (InputStream in = HttpsTest.class.getResourceAsStream("/tls/" + r)) {
                ks.setCertificateEntry(r, cf.generateCertificate(in));
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private String presentedSubject() throws Exception {
        try (SSLSocket s = (SSLSocket) trusting("a-cert.pem", "b-cert.pem").getSocketFactory()
                .createSocket("127.0.0.1", server.port())) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    @Test
    void filesComeWholeOverTlsWithRangesAndKeepAlive() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting("a-cert.pem"))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI base = URI.create("https://localhost:" + server.port());
        HttpResponse<byte[]> whole = client.send(HttpRequest.newBuilder(base.resolve("/fs/big.bin")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, whole.statusCode());
        assertArrayEquals(big, whole.body(), "chunks, not sendfile, under TLS: the bytes must still be these");
        HttpResponse<byte[]> range = client.send(HttpRequest.newBuilder(base.resolve("/fs/big.bin"))
                .header("Range", "bytes=100-199").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(big, 100, 200), range.body());
        assertEquals("over TLS\n", client.send(HttpRequest.newBuilder(base.resolve("/fs/a.txt")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static HttpClient http2Client() throws Exception {
        return HttpClient.newBuilder().sslContext(trusting("a-cert.pem"))
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** GET {@code path} over HTTP/2, checked to have gone over HTTP/2. */
    private HttpResponse<byte[]> getOverHttp2(HttpClient client, String path) throws Exception {
        HttpResponse<byte[]> res = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(HttpClient.Version.HTTP_2, res.version());
        return res;
    }

    @Test
    void http2IsChosenByAlpnAndServesTheSameFiles() throws Exception {
        HttpClient client = http2Client();
        URI base = URI.create("https://localhost:" + server.port());
        HttpResponse<byte[]> whole = getOverHttp2(client, "/fs/big.bin");
        assertEquals(200, whole.statusCode());
        assertArrayEquals(big, whole.body());
        // Several streams at once on the one connection.
        var a = client.sendAsync(HttpRequest.newBuilder(base.resolve("/fs/a.txt")).build(), HttpResponse.BodyHandlers.ofString());
        var listing = client.sendAsync(HttpRequest.newBuilder(base.resolve("/fs/?format=json")).build(),
                HttpResponse.BodyHandlers.ofString());
        var missing = client.sendAsync(HttpRequest.newBuilder(base.resolve("/fs/nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("over TLS\n", a.get().body());
        assertTrue(listing.get().body().contains("\"big.bin\""), listing.get().body());
        assertEquals(404, missing.get().statusCode());
        assertEquals(HttpClient.Version.HTTP_2, missing.get().version());
    }

    @Test
    void folderArchivesGoOverHttp2AndABrokenOneResetsItsStreamOnly() throws Exception {
        HttpClient client = http2Client();
        URI base = URI.create("https://localhost:" + server.port());
        HttpResponse<byte[]> zip = getOverHttp2(client, "/fs/many/?format=zip");
        assertEquals("attachment; filename=\"many.zip\"", zip.headers().firstValue("content-disposition").orElseThrow());
        assertEquals("application/zip", zip.headers().firstValue("content-type").orElseThrow());
        int entries = 0;
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.body()))) {
            while (in.getNextEntry() != null) {
                entries++;
            }
        }
        assertEquals(40, entries);
        // The tree still lists cut/b.txt; gone from the disk, it breaks the archive off: the stream is reset.
        Files.delete(root.resolve("cut/b.txt"));
        java.io.IOException reset = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> client.send(HttpRequest.newBuilder(base.resolve("/fs/cut/?format=tar")).build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
        assertTrue(String.valueOf(reset.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset")
                || String.valueOf(reset.getMessage()).contains("RST"), String.valueOf(reset));
        // The connection's other streams go on.
        assertEquals("over TLS\n", client.send(HttpRequest.newBuilder(base.resolve("/fs/a.txt")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = HttpClient.Version.class)
    void listingsAreGzipOverTlsAndHttp2AndFilesAreNot(HttpClient.Version version) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting("a-cert.pem"))
                .version(version).connectTimeout(Duration.ofSeconds(5)).build();
        URI base = URI.create("https://localhost:" + server.port());
        HttpResponse<byte[]> plain = client.send(HttpRequest.newBuilder(base.resolve("/fs/many/")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> gz = client.send(HttpRequest.newBuilder(base.resolve("/fs/many/"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(version, gz.version());
        assertEquals("gzip", gz.headers().firstValue("content-encoding").orElse(null));
        assertTrue(gz.headers().allValues("vary").contains("Accept-Encoding"), gz.headers().toString());
        assertArrayEquals(plain.body(), new java.util.zip.GZIPInputStream(
                new java.io.ByteArrayInputStream(gz.body())).readAllBytes());
        HttpResponse<byte[]> file = client.send(HttpRequest.newBuilder(base.resolve("/fs/big.bin"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(file.headers().firstValue("content-encoding").isEmpty(), file.headers().toString());
        assertArrayEquals(big, file.body());
    }

    @Test
    void theAccessLogHasALinePerRequestOverHttp11AndEveryHttp2Stream() throws Exception {
        var tree = Trees.fromDisk(root, "ga");
        try (var accessLog = org.dftp.core.testing.AccessLogFile.in(dir);
             PublicHttpServer logged = PublicHttpServer.start(HostPort.parse("127.0.0.1:0"), loops, loops,
                     DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT)), tls,
                     org.dftp.netty.NodeConfig.Limits.DEFAULTS, accessLog.log)) {
            URI base = URI.create("https://localhost:" + logged.port());
            for (HttpClient.Version v : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
                HttpClient client = HttpClient.newBuilder().sslContext(trusting("a-cert.pem")).version(v)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                HttpResponse<byte[]> whole = client.send(HttpRequest.newBuilder(base.resolve("/fs/big.bin"))
                        .header("User-Agent", "test/" + v).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(v, whole.version());
                assertArrayEquals(big, whole.body());
                assertEquals(404, client.send(HttpRequest.newBuilder(base.resolve("/fs/nope")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
            }
            List<String> lines = accessLog.awaitTimeless(4);
            assertEquals("127.0.0.1 - - [T] \"GET /fs/big.bin HTTP/1.1\" 200 " + big.length + " \"-\" \"test/HTTP_1_1\"",
                    lines.get(0));
            assertTrue(lines.get(1).matches("127\\.0\\.0\\.1 - - \\[T] \"GET /fs/nope HTTP/1\\.1\" 404 \\d+ \"-\" \"[^\"]*\""),
                    lines.get(1));
            assertEquals("127.0.0.1 - - [T] \"GET /fs/big.bin HTTP/2.0\" 200 " + big.length + " \"-\" \"test/HTTP_2\"",
                    lines.get(2));
            assertTrue(lines.get(3).matches("127\\.0\\.0\\.1 - - \\[T] \"GET /fs/nope HTTP/2\\.0\" 404 \\d+ \"-\" \"[^\"]*\""),
                    lines.get(3));
            assertEquals(4, lines.size(), lines.toString());
        }
    }

    @Test
    void theEngineIsNamedAndIsBoringSslWhereItLoads() {
        String engine = ServerTls.engine();
        assertTrue(engine.startsWith("OpenSSL") || engine.equals("JDK"), engine);
        if (io.netty.handler.ssl.OpenSsl.isAvailable()) {
            assertTrue(engine.startsWith("OpenSSL"), "netty-tcnative loads here, so it is used: " + engine);
        }
    }

    @Test
    void aRenewedCertificateIsPresentedToNewConnectionsWithoutARestart() throws Exception {
        assertTrue(presentedSubject().contains("CN=dftp-test-a"));
        Files.copy(HttpsTest.class.getResourceAsStream("/tls/b-cert.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(HttpsTest.class.getResourceAsStream("/tls/b-key.pem"), key, StandardCopyOption.REPLACE_EXISTING);
        FileTime later = FileTime.fromMillis(System.currentTimeMillis() + 10_000);
        Files.setLastModifiedTime(cert, later);
        Files.setLastModifiedTime(key, later);
        tls.checkNow();
        assertTrue(presentedSubject().contains("CN=dftp-test-b"), "the renewed certificate");
    }

    @Test
    void aRenewalThatDoesNotLoadKeepsTheCurrentCertificate() throws Exception {
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        Files.setLastModifiedTime(cert, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        tls.checkNow();
        assertTrue(presentedSubject().contains("CN=dftp-test-a"), "the old certificate serves on");
    }

    /** The subject of the certificate a server with this JDK context presents (FTP's kind of context). */
    private static String presentedBy(SSLContext server) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    s.getInputStream().read(); // until the client closes
                } catch (IOException e) {
                    // the client's close
                }
            });
            accept.start();
            try (SSLSocket s = (SSLSocket) trusting("a-cert.pem", "b-cert.pem").getSocketFactory()
                    .createSocket("127.0.0.1", listener.getLocalPort())) {
                s.startHandshake();
                return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
            } finally {
                accept.join(5000);
            }
        }
    }

    private void renew(String cert, String key) throws IOException {
        Files.copy(HttpsTest.class.getResourceAsStream("/tls/" + cert), this.cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(HttpsTest.class.getResourceAsStream("/tls/" + key), this.key, StandardCopyOption.REPLACE_EXISTING);
        FileTime later = FileTime.fromMillis(System.currentTimeMillis() + 10_000);
        Files.setLastModifiedTime(this.cert, later);
        Files.setLastModifiedTime(this.key, later);
        tls.checkNow();
    }

    @Test
    void theJdkContextForFtpIsBuiltOnceAndFollowsRenewals() throws Exception {
        SSLContext first = tls.jdkContext();
        assertSame(first, tls.jdkContext(), "built once for each loaded certificate");
        assertEquals("CN=dftp-test-a", presentedBy(first));
        renew("b-cert.pem", "b-key.pem");
        SSLContext renewed = tls.jdkContext();
        assertNotSame(first, renewed);
        assertEquals("CN=dftp-test-b", presentedBy(renewed));
        assertEquals("CN=dftp-test-a", presentedBy(first), "a session that holds the old context keeps it");
        assertTrue(presentedSubject().contains("CN=dftp-test-b"), "and HTTPS renewed alike");
    }

    @Test
    void aRenewalThatDoesNotLoadKeepsTheCurrentJdkContext() throws Exception {
        SSLContext first = tls.jdkContext();
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        Files.setLastModifiedTime(cert, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        tls.checkNow();
        assertSame(first, tls.jdkContext());
    }

    @Test
    void aBadCertificateOrAMismatchedKeyIsRefusedNamingTheFileNotItsContent() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.pem"), "garbage");
        IOException e = assertThrows(IOException.class, () -> ServerTls.load(bad, key));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        Path otherKey = copy("b-key.pem", "other-key.pem");
        IOException mismatch = assertThrows(IOException.class, () -> ServerTls.load(cert, otherKey));
        assertTrue(mismatch.getMessage().contains(cert.toString()), mismatch.getMessage());
        assertTrue(!mismatch.getMessage().contains("PRIVATE KEY"), "never the key itself: " + mismatch.getMessage());
    }
}
