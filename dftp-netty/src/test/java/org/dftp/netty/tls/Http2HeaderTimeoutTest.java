package org.dftp.netty.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.Transports;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.PublicHttpServer;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -http-header-timeout} over HTTP/2 (HTTPS with ALPN {@code h2}), with raw frames: a connection that
 * sends no preface, or a {@code HEADERS} frame without {@code END_HEADERS} and no {@code CONTINUATION}, is
 * cut after the timeout ({@code GOAWAY} first when the preface came); a download read slowly for several
 * timeouts is not.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(30)
class Http2HeaderTimeoutTest {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    static final int DATA = 0, HEADERS = 1, SETTINGS = 4, GOAWAY = 7, WINDOW_UPDATE = 8;
    static final int END_STREAM = 1, END_HEADERS = 4;

    @TempDir
    Path dir;
    EventLoopGroup loops;
    PublicHttpServer server;
    NodeMetrics metrics;
    byte[] big = new byte[1024 * 1024];

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.write(root.resolve("big.bin"), big);
        ServerTls tls = ServerTls.load(copy("a-cert.pem"), copy("a-key.pem"));
        var tree = Trees.fromDisk(root, "ga");
        loops = Transports.newGroup(1);
        DfsHttpContext context = DfsHttpContext.local(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT));
        metrics = context.metrics();
        server = PublicHttpServer.start(HostPort.parse("127.0.0.1:0"), loops, loops, context, tls,
                NodeConfig.Limits.DEFAULTS.withHttpTimeouts(Duration.ofMillis(800), Duration.ofSeconds(75),
                        Duration.ofSeconds(60)));
    }

    @AfterEach
    void stop() {
        server.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Path copy(String resource) throws IOException {
        try (InputStream in = Http2HeaderTimeoutTest.class.getResourceAsStream("/tls/" + resource)) {
            Path p = dir.resolve(resource);
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            return p;
        }
    }

    private SSLSocket h2() throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Http2HeaderTimeoutTest.class.getResourceAsStream("/tls/a-cert.pem")) {
            ks.setCertificateEntry("a", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", server.port());
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(new String[] {"h2"});
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        s.startHandshake();
        assertEquals("h2", s.getApplicationProtocol());
        return s;
    }

    record Frame(int type, int flags, int stream, byte[] payload) {}

    static void write(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        int n = payload.length;
        out.write(new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n, (byte) type, (byte) flags,
                (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
        out.write(payload);
        out.flush();
    }

    /** The next frame, or null at the end of the connection. */
    static Frame read(DataInputStream in) throws IOException {
        byte[] h = new byte[9];
        try {
            in.readFully(h);
        } catch (EOFException e) {
            return null;
        }
        int n = (h[0] & 0xff) << 16 | (h[1] & 0xff) << 8 | h[2] & 0xff;
        byte[] payload = new byte[n];
        in.readFully(payload);
        return new Frame(h[3], h[4], ((h[5] & 0x7f) << 24) | (h[6] & 0xff) << 16 | (h[7] & 0xff) << 8 | h[8] & 0xff,
                payload);
    }

    /** A header block of literal fields without indexing (RFC 7541 6.2.2), short names and values only. */
    static byte[] block(String... nameValues) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < nameValues.length; i += 2) {
            b.write(0);
            for (String s : new String[] {nameValues[i], nameValues[i + 1]}) {
                byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
                b.write(bytes.length);
                b.writeBytes(bytes);
            }
        }
        return b.toByteArray();
    }

    static byte[] request(String path) {
        return block(":method", "GET", ":scheme", "https", ":path", path, ":authority", "localhost");
    }

    static byte[] windowUpdate(int increment) {
        return new byte[] {(byte) (increment >>> 24), (byte) (increment >>> 16), (byte) (increment >>> 8), (byte) increment};
    }

    /** Reads frames to the end of the connection, within 5 s; whether a GOAWAY was among them. */
    static boolean goAwayThenEnd(DataInputStream in, long startNanos) throws IOException {
        boolean goAway = false;
        for (Frame f = read(in); f != null; f = read(in)) {
            goAway |= f.type() == GOAWAY;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertTrue(ms >= 600 && ms < 5_000, "cut after " + ms + " ms");
        return goAway;
    }

    @Test
    void aConnectionThatSendsNoPrefaceIsClosedAfterTheHeaderTimeout() throws Exception {
        try (SSLSocket s = h2()) {
            long start = System.nanoTime();
            assertFalse(goAwayThenEnd(new DataInputStream(s.getInputStream()), start), "no GOAWAY before a preface");
        }
        assertEquals(1, metrics.headerTimeouts.sum());
    }

    @Test
    void headersWithoutEndHeadersAndNoContinuationAreCutWithAGoAway() throws Exception {
        try (SSLSocket s = h2()) {
            OutputStream out = s.getOutputStream();
            out.write(PREFACE);
            write(out, SETTINGS, 0, 0, new byte[0]);
            long start = System.nanoTime();
            write(out, HEADERS, END_STREAM, 1, request("/fs/big.bin")); // no END_HEADERS: a CONTINUATION must follow
            assertTrue(goAwayThenEnd(new DataInputStream(s.getInputStream()), start));
        }
        assertEquals(1, metrics.headerTimeouts.sum());
    }

    @Test
    void aSecondRequestBegunAfterTheFirstEndedIsCutToo() throws Exception {
        try (SSLSocket s = h2()) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(PREFACE);
            write(out, SETTINGS, 0, 0, new byte[0]);
            write(out, HEADERS, END_STREAM | END_HEADERS, 1, request("/"));
            for (Frame f = read(in); !(f.stream() == 1 && (f.flags() & END_STREAM) != 0); f = read(in)) {
                // the answer to the first request, whole
            }
            long start = System.nanoTime();
            write(out, HEADERS, END_STREAM, 3, request("/"));
            assertTrue(goAwayThenEnd(in, start));
        }
    }

    @Test
    void aDownloadReadSlowlyForSeveralTimeoutsIsNotCut() throws Exception {
        try (SSLSocket s = h2()) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(PREFACE);
            write(out, SETTINGS, 0, 0, new byte[0]);
            write(out, HEADERS, END_STREAM | END_HEADERS, 1, request("/fs/big.bin"));
            long start = System.nanoTime();
            long received = 0;
            boolean ended = false;
            while (!ended) {
                Frame f = read(in);
                assertTrue(f != null && f.type() != GOAWAY, "cut while the download went on");
                if (f.type() == DATA && f.stream() == 1) {
                    received += f.payload().length;
                    ended = (f.flags() & END_STREAM) != 0;
                    if (f.payload().length > 0 && !ended) {
                        Thread.sleep(40); // a slow reader: the window opens a frame at a time
                        write(out, WINDOW_UPDATE, 0, 0, windowUpdate(f.payload().length));
                        write(out, WINDOW_UPDATE, 0, 1, windowUpdate(f.payload().length));
                    }
                }
            }
            assertEquals(big.length, received);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms > 2 * 800, "the download took only " + ms + " ms: not several timeouts");
        }
        assertEquals(0, metrics.headerTimeouts.sum());
    }
}
