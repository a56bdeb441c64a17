package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPSClient;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.local.LocalRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Explicit TLS on the FTP port through Commons Net's {@code FTPSClient}: {@code AUTH TLS}, {@code PBSZ 0},
 * {@code PROT P}, then listings, downloads (local files, and peers' files both as streams and as lent
 * buffers), resumed downloads, uploads and resumed uploads over private data connections, byte for byte; active
 * mode; the session's own context for its data connections while a renewed one serves new sessions; a failed
 * data handshake, a client that drops a TLS download, a stop mid-transfer; and {@code -ftp-require-tls},
 * which refuses a login and transfers in clear.
 */
@Timeout(60)
class FtpsTest {
    private static final byte[] BIG = TestDfs.random(3 << 20, 51);
    private static final byte[] REMOTE = TestDfs.random(1 << 20, 52);
    private static final byte[] LENT = TestDfs.random(700_000, 53);
    private static final String A = "CN=dftp-test-a";
    private static final String B = "CN=dftp-test-b";

    @TempDir
    Path dir;
    @TempDir
    Path etc;
    private TestDfs dfs;
    private FtpTestServer ftp;
    private final AtomicReference<SSLContext> serverContext = new AtomicReference<>(TestTls.server("a"));
    private final AtomicInteger contextsHandedOut = new AtomicInteger();
    private final TestTls.Client trust = TestTls.client();
    private final List<FTPClient> clients = new ArrayList<>();

    private void start(boolean required) throws IOException {
        dfs = new TestDfs(dir)
                .local("big.bin", BIG)
                .local("docs/a.txt", TestDfs.text("one\ntwo\n"))
                .localSparse("sparse.bin", 1L << 30)
                .remote(TestDfs.PEER, "peer/remote.bin", REMOTE)
                .remoteLent(TestDfs.PEER, "peer/lent.bin", LENT);
        dfs.rescan();
        FtpWrites writes = new FtpWrites(dfs.writes(), null,
                TestUsers.load(etc, TestUsers.line("writer", "w-secret", "write", null)), new LoginThrottle(), true, 0);
        FtpTls tls = new FtpTls(() -> {
            contextsHandedOut.incrementAndGet();
            return serverContext.get();
        }, required);
        ftp = new FtpTestServer(dfs, FtpTestServer.options(8, Duration.ofMinutes(1)).withTls(tls), writes);
    }

    @AfterEach
    void stop() {
        for (FTPClient c : clients) {
            try {
                c.disconnect();
            } catch (IOException e) {
                // gone already
            }
        }
        if (ftp != null) {
            ftp.close();
        }
    }

    /** Connected and secured with {@code AUTH TLS} (FTPSClient sends it right after the banner), not logged in. */
    private FTPSClient connectTls() throws IOException {
        FTPSClient client = new FTPSClient(false, trust.context);
        client.setControlEncoding(StandardCharsets.UTF_8.name());
        client.setDefaultTimeout((int) FtpTestServer.CLIENT_TIMEOUT.toMillis());
        client.setConnectTimeout((int) FtpTestServer.CLIENT_TIMEOUT.toMillis());
        client.setDataTimeout(FtpTestServer.CLIENT_TIMEOUT);
        clients.add(client);
        client.connect("127.0.0.1", ftp.server.port());
        client.setSoTimeout((int) FtpTestServer.CLIENT_TIMEOUT.toMillis());
        client.enterLocalPassiveMode();
        return client;
    }

    /** Secured, logged in, {@code PBSZ 0} and {@code PROT P}, binary. */
    private FTPSClient loginTls(String user, String password) throws IOException {
        FTPSClient client = connectTls();
        assertTrue(client.login(user, password), client.getReplyString());
        client.execPBSZ(0);
        client.execPROT("P");
        assertTrue(client.setFileType(FTP.BINARY_FILE_TYPE), client.getReplyString());
        return client;
    }

    private FTPSClient loginTls() throws IOException {
        return loginTls("writer", "w-secret");
    }

    private static List<String> names(FTPFile[] files) {
        return Arrays.stream(files).map(FTPFile::getName).toList();
    }

    private List<String> leftovers() throws IOException {
        try (var s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(LocalRoot::isTemporary).toList();
        }
    }

    @Test
    void featAdvertisesTlsAndAPlainSessionStaysPlain() throws IOException {
        start(false);
        FTPClient plain = ftp.login();
        assertTrue(plain.features());
        assertTrue(plain.hasFeature("AUTH", "TLS"), plain.getReplyString());
        assertTrue(plain.hasFeature("PBSZ"), plain.getReplyString());
        assertTrue(plain.hasFeature("PROT"), plain.getReplyString());
        assertArrayEquals(BIG, FtpTestServer.retrieve(plain, "big.bin"), "TLS offered, not required");
        assertEquals(0, contextsHandedOut.get(), "no AUTH, no context");
    }

    @Test
    void listsAndDownloadsOverPrivateDataConnections() throws IOException {
        start(false);
        FTPSClient client = loginTls();
        assertEquals(List.of("big.bin", "docs", "peer", "sparse.bin"), names(client.listFiles("/")));
        assertEquals(List.of("a.txt"), Arrays.asList(client.listNames("/docs")));
        assertEquals(List.of("lent.bin", "remote.bin"), names(client.mlistDir("/peer")));
        assertArrayEquals(BIG, FtpTestServer.retrieve(client, "big.bin"));
        assertArrayEquals(REMOTE, FtpTestServer.retrieve(client, "peer/remote.bin"));
        assertArrayEquals(LENT, FtpTestServer.retrieve(client, "peer/lent.bin"));
        client.setFileType(FTP.ASCII_FILE_TYPE);
        assertArrayEquals(TestDfs.text("one\ntwo\n"), FtpTestServer.retrieve(client, "docs/a.txt"));
        assertEquals(List.of(A), trust.presented().stream().distinct().toList());
        assertEquals(1, contextsHandedOut.get(), "one context a session, for its data connections too");
    }

    @Test
    void restThenRetrResumesOverTls() throws IOException {
        start(false);
        FTPSClient client = loginTls();
        client.setRestartOffset(1_234_567);
        assertArrayEquals(Arrays.copyOfRange(BIG, 1_234_567, BIG.length), FtpTestServer.retrieve(client, "big.bin"));
        client.setRestartOffset(300_001);
        assertArrayEquals(Arrays.copyOfRange(LENT, 300_001, LENT.length), FtpTestServer.retrieve(client, "peer/lent.bin"));
    }

    @Test
    void uploadsLandOnDiskByteForByte() throws IOException {
        start(false);
        FTPSClient client = loginTls();
        byte[] upload = TestDfs.random(2_500_000, 54);
        assertTrue(client.storeFile("docs/up.bin", new ByteArrayInputStream(upload)), client.getReplyString());
        assertArrayEquals(upload, Files.readAllBytes(dir.resolve("docs/up.bin")));
        assertNotNull(dfs.tree().lookup(DfsPath.of("docs/up.bin")), "in the tree when the 226 arrives");
        assertArrayEquals(upload, FtpTestServer.retrieve(client, "docs/up.bin"));

        Files.write(dir.resolve("docs/part.bin"), Arrays.copyOf(upload, 1_000_000)); // an upload cut off earlier
        dfs.rescan();
        client.setRestartOffset(1_000_000);
        assertTrue(client.storeFile("docs/part.bin",
                new ByteArrayInputStream(Arrays.copyOfRange(upload, 1_000_000, upload.length))), client.getReplyString());
        assertArrayEquals(upload, Files.readAllBytes(dir.resolve("docs/part.bin")));

        assertTrue(client.appendFile("docs/a.txt", new ByteArrayInputStream(TestDfs.text("three\n"))));
        assertEquals("one\ntwo\nthree\n", Files.readString(dir.resolve("docs/a.txt")));
        assertTrue(client.storeFile("empty", new ByteArrayInputStream(new byte[0])), client.getReplyString());
        assertEquals(0, Files.size(dir.resolve("empty")));
        assertEquals(List.of(), leftovers());
    }

    /** Commons Net's FTPSClient leaves MODE Z to its caller (it skips FTPClient's deflating socket): so does this. */
    @Test
    void modeZAndAsciiConvertOverTlsAsInClear() throws IOException {
        start(false);
        FTPSClient client = loginTls();
        assertTrue(client.setFileTransferMode(FTP.DEFLATE_TRANSFER_MODE), client.getReplyString());
        assertArrayEquals(BIG, inflate(FtpTestServer.retrieve(client, "big.bin")));
        assertArrayEquals(LENT, inflate(FtpTestServer.retrieve(client, "peer/lent.bin")));
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(deflated)) {
            z.write(REMOTE);
        }
        assertTrue(client.storeFile("docs/z.bin", new ByteArrayInputStream(deflated.toByteArray())),
                client.getReplyString());
        assertArrayEquals(REMOTE, Files.readAllBytes(dir.resolve("docs/z.bin")));
        assertTrue(client.setFileTransferMode(FTP.STREAM_TRANSFER_MODE), client.getReplyString());
        client.setFileType(FTP.ASCII_FILE_TYPE);
        assertTrue(client.storeFile("docs/lines.txt", new ByteArrayInputStream(TestDfs.text("one\r\ntwo\r\n"))));
        assertEquals("one" + System.lineSeparator() + "two" + System.lineSeparator(),
                Files.readString(dir.resolve("docs/lines.txt")));
    }

    @Test
    void activeModeDataConnectionsAreTlsServerSideToo() throws IOException {
        start(false);
        FTPSClient client = loginTls();
        client.enterLocalActiveMode();
        assertArrayEquals(BIG, FtpTestServer.retrieve(client, "big.bin"));
        assertTrue(client.storeFile("active.bin", new ByteArrayInputStream(REMOTE)), client.getReplyString());
        assertArrayEquals(REMOTE, Files.readAllBytes(dir.resolve("active.bin")));
    }

    @Test
    void protCGoesBackToClearDataWhenTlsIsNotRequired() throws IOException {
        start(false);
        FTPSClient client = loginTls();
        client.execPROT("C");
        assertEquals(List.of("a.txt"), Arrays.asList(client.listNames("/docs")));
        assertArrayEquals(BIG, FtpTestServer.retrieve(client, "big.bin"));
        assertTrue(client.storeFile("clear.bin", new ByteArrayInputStream(LENT)), client.getReplyString());
        assertArrayEquals(LENT, Files.readAllBytes(dir.resolve("clear.bin")));
    }

    @Test
    void securityCommandsOutOfOrderAreRefusedAndTheSessionGoesOn() throws IOException {
        start(false);
        FTPClient plain = ftp.connect();
        assertEquals(503, plain.sendCommand("PBSZ", "0"), plain.getReplyString());
        assertEquals(503, plain.sendCommand("PROT", "P"), plain.getReplyString());
        assertEquals(504, plain.sendCommand("AUTH", "KERBEROS"), plain.getReplyString());
        assertEquals(501, plain.sendCommand("AUTH"), plain.getReplyString());
        assertTrue(plain.login("anonymous", "x@example.com"));
        assertTrue(plain.sendNoOp());

        FTPSClient client = loginTls();
        assertEquals(534, client.sendCommand("AUTH", "TLS"), "no second AUTH");
        assertEquals(536, client.sendCommand("PROT", "S"), client.getReplyString());
        assertEquals(504, client.sendCommand("PROT", "X"), client.getReplyString());
        assertEquals(200, client.sendCommand("PBSZ", "0"));
        assertTrue(client.getReplyString().contains("PBSZ=0"), client.getReplyString());
        assertArrayEquals(LENT, FtpTestServer.retrieve(client, "peer/lent.bin"), "still PROT P");
    }

    @Test
    void aSessionKeepsItsContextWhileARenewedOneServesNewSessions() throws IOException {
        start(false);
        FTPSClient before = loginTls();
        assertArrayEquals(REMOTE, FtpTestServer.retrieve(before, "peer/remote.bin"));
        serverContext.set(TestTls.server("b")); // the certificate was renewed
        FTPSClient after = loginTls();
        assertEquals(List.of(A, A, B), trust.presented(), "control a, data a, control b");
        assertArrayEquals(REMOTE, FtpTestServer.retrieve(after, "peer/remote.bin"));
        assertArrayEquals(REMOTE, FtpTestServer.retrieve(before, "peer/remote.bin"));
        assertEquals(List.of(A, A, B, B, A), trust.presented(), "each session's data with its own context");
        assertEquals(2, contextsHandedOut.get());
    }

    @Test
    void aDataConnectionThatFailsItsHandshakeIs425AndTheSessionGoesOn() throws IOException {
        start(false);
        FTPSClient client = loginTls();
        int port = passivePort(client);
        try (Socket clear = new Socket("127.0.0.1", port)) {
            clear.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(150, client.sendCommand("RETR", "big.bin"));
            assertEquals(425, client.getReply(), client.getReplyString());
        }
        assertTrue(client.sendNoOp());
        assertArrayEquals(BIG, FtpTestServer.retrieve(client, "big.bin"));
    }

    @Test
    void aClientDroppingATlsDownloadGets426AndKeepsItsSession() throws IOException {
        start(false);
        FTPSClient client = loginTls();
        InputStream transfer = client.retrieveFileStream("sparse.bin");
        assertEquals(100_000, transfer.readNBytes(100_000).length);
        transfer.close();
        assertFalse(client.completePendingCommand());
        assertEquals(426, client.getReplyCode(), client.getReplyString());
        assertTrue(client.sendNoOp());
        assertArrayEquals(LENT, FtpTestServer.retrieve(client, "peer/lent.bin"));
    }

    @Test
    void anUploadEndedWithoutCloseNotifyIsDropped() throws IOException {
        start(false);
        FTPSClient client = loginTls();
        int port = passivePort(client);
        try (Socket tcp = new Socket("127.0.0.1", port)) {
            assertEquals(150, client.sendCommand("STOR", "docs/cut.bin"));
            SSLSocket data = (SSLSocket) trust.context.getSocketFactory().createSocket(tcp, "127.0.0.1", port, false);
            data.startHandshake();
            data.getOutputStream().write(REMOTE);
            data.getOutputStream().flush();
            tcp.shutdownOutput(); // a FIN where TLS's close_notify belongs, as a truncation attack would cut it
            assertEquals(426, client.getReply(), client.getReplyString());
        }
        assertFalse(Files.exists(dir.resolve("docs/cut.bin")));
        assertEquals(List.of(), leftovers());
        assertTrue(client.sendNoOp());

        // The same, ended properly, by a client that never reads its data connection: under TLS 1.3 a
        // session ticket sent after the handshake would lie unread, and the client's close would be a reset
        // that loses the upload's tail. The server sends it with its close_notify, not before.
        port = passivePort(client);
        try (Socket tcp = new Socket("127.0.0.1", port)) {
            assertEquals(150, client.sendCommand("STOR", "docs/whole.bin"));
            SSLSocket data = (SSLSocket) trust.context.getSocketFactory().createSocket(tcp, "127.0.0.1", port, true);
            data.startHandshake();
            data.getOutputStream().write(REMOTE);
            data.close();
            assertEquals(226, client.getReply(), client.getReplyString());
        }
        assertArrayEquals(REMOTE, Files.readAllBytes(dir.resolve("docs/whole.bin")));
    }

    private static byte[] inflate(byte[] deflated) throws IOException {
        assertNotNull(deflated);
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(deflated))) {
            return in.readAllBytes();
        }
    }

    private static int passivePort(FTPClient client) throws IOException {
        assertEquals(227, client.sendCommand("PASV"));
        Matcher m = Pattern.compile("(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)").matcher(client.getReplyString());
        assertTrue(m.find(), client.getReplyString());
        return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
    }

    @Test
    void stopEndsATlsTransferAtOnce() throws IOException {
        start(false);
        FTPSClient client = loginTls();
        InputStream transfer = client.retrieveFileStream("sparse.bin");
        transfer.readNBytes(1000);
        long started = System.nanoTime();
        ftp.server.stop();
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), "stop did not wait for MINA");
        assertEquals(0, ftp.server.openConnections());
        assertThrows(IOException.class, () -> {
            while (transfer.read(new byte[65536]) >= 0) {
                // drain what was in flight
            }
            throw new IOException("end of stream");
        });
    }

    // --- -ftp-require-tls

    @Test
    void requiredTlsRefusesLoginsInClearAndKeepsTheSession() throws IOException {
        start(true);
        FTPClient plain = ftp.connect();
        assertFalse(plain.login("writer", "w-secret"));
        assertEquals(530, plain.getReplyCode(), plain.getReplyString());
        assertTrue(plain.getReplyString().contains("requires TLS"), plain.getReplyString());
        assertEquals(530, plain.sendCommand("USER", "anonymous"), "anonymous users too");
        assertEquals(530, plain.sendCommand("PASS", "x"));
        assertEquals(221, plain.sendCommand("QUIT"), "a refusal keeps the session (MINA's USER would close it)");
    }

    @Test
    void requiredTlsRefusesTransfersInClear() throws IOException {
        start(true);
        FTPSClient client = connectTls();
        assertTrue(client.login("writer", "w-secret"), client.getReplyString());
        client.setFileType(FTP.BINARY_FILE_TYPE);
        assertNull(FtpTestServer.retrieve(client, "big.bin"), "no PROT P yet");
        assertEquals(521, client.getReplyCode(), client.getReplyString());
        assertTrue(client.getReplyString().contains("PROT P"), client.getReplyString());
        assertFalse(client.storeFile("docs/clear.bin", new ByteArrayInputStream(LENT)));
        assertEquals(521, client.getReplyCode(), client.getReplyString());
        assertFalse(Files.exists(dir.resolve("docs/clear.bin")));

        client.execPBSZ(0);
        assertEquals(534, client.sendCommand("PROT", "C"), client.getReplyString());
        assertNull(client.listNames("/docs"), "PROT C was refused, so the data is still in clear");
        assertEquals(521, client.getReplyCode(), client.getReplyString());

        client.execPROT("P");
        assertArrayEquals(BIG, FtpTestServer.retrieve(client, "big.bin"));
        assertTrue(client.storeFile("docs/private.bin", new ByteArrayInputStream(LENT)), client.getReplyString());
        assertArrayEquals(LENT, Files.readAllBytes(dir.resolve("docs/private.bin")));
    }

    @Test
    void requiredTlsStillLetsAnonymousReadOverTls() throws IOException {
        start(true);
        FTPSClient client = loginTls("anonymous", "x@example.com");
        assertArrayEquals(REMOTE, FtpTestServer.retrieve(client, "peer/remote.bin"));
        ByteArrayOutputStream listing = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("docs/a.txt", listing));
        assertEquals("one\ntwo\n", listing.toString(StandardCharsets.UTF_8));
    }
}
