package org.dftp.ftp;

import static org.dftp.ftp.FtpTestServer.retrieve;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One client's trouble stays that client's: limits, clients that vanish mid-transfer, files that
 * vanish, owners that fail, idle sessions. After each, the server goes on serving.
 */
class FtpRobustnessTest {
    private static final long ONE_GIB = 1L << 30;

    @TempDir
    Path dir;
    private FtpTestServer ftp;

    private FtpTestServer start(int maxConnections, Duration idleTimeout) throws IOException {
        TestDfs dfs = new TestDfs(dir)
                .local("small.txt", TestDfs.text("small"))
                .local("gone.txt", TestDfs.text("soon gone"))
                .localSparse("sparse.bin", ONE_GIB) // sent with sendfile, so a stalled client blocks it
                .endless(TestDfs.PEER, "endless.bin", ONE_GIB)
                .remote(TestDfs.PEER, "peer.txt", TestDfs.text("peer"))
                .offer("gamma", "dead.txt", 0644, 4); // an owner the peer client cannot reach
        ftp = new FtpTestServer(dfs, FtpTestServer.options(maxConnections, idleTimeout));
        return ftp;
    }

    @AfterEach
    void stop() {
        if (ftp != null) {
            ftp.close();
        }
    }

    @Test
    void aConnectionOverTheLimitGets421AndALaterOneGetsIn() throws IOException {
        start(2, Duration.ofMinutes(1));
        FTPClient first = ftp.login();
        ftp.login();
        try (Socket third = new Socket("127.0.0.1", ftp.server.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(third.getInputStream(), StandardCharsets.UTF_8));
            String reply = in.readLine();
            assertTrue(reply.startsWith("421 "), reply);
            assertNull(in.readLine(), "the server hangs up after the 421");
        }
        assertThrows(FTPConnectionClosedException.class, ftp::connect, "Commons Net reports the 421 too");
        first.disconnect();
        eventually(() -> ftp.server.openConnections() < 2);
        assertArrayEquals(TestDfs.text("small"), retrieve(ftp.login(), "small.txt"));
    }

    @Test
    void aClientVanishingMidTransferLeavesTheServerServing() throws IOException {
        start(4, Duration.ofMinutes(1));
        FTPClient quitter = ftp.login();
        InputStream transfer = quitter.retrieveFileStream("endless.bin");
        assertEquals(150, quitter.getReplyCode(), quitter.getReplyString());
        assertEquals(65_536, transfer.readNBytes(65_536).length);
        quitter.disconnect(); // both connections gone mid-transfer, no ABOR, no QUIT
        transfer.close();

        eventually(() -> ftp.dfs.remote.openStreams() == 0); // the owner's stream was released
        eventually(() -> ftp.server.openConnections() == 0);
        FTPClient next = ftp.login();
        assertArrayEquals(TestDfs.text("peer"), retrieve(next, "peer.txt"));
        assertArrayEquals(TestDfs.text("small"), retrieve(next, "small.txt"));
    }

    /** A client that resets both connections mid-transfer is routine: no warning, no stack trace. */
    @Test
    void aClientResettingMidTransferLogsNoWarning() throws Exception {
        start(4, Duration.ofMinutes(1));
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
        var logged = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        logged.start();
        root.addAppender(logged);
        try (Socket control = new Socket("127.0.0.1", ftp.server.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.US_ASCII));
            var out = control.getOutputStream();
            assertTrue(in.readLine().startsWith("220"));
            out.write("USER anonymous\r\nPASS x\r\nTYPE I\r\nPASV\r\n".getBytes(StandardCharsets.US_ASCII));
            String pasv;
            do {
                pasv = in.readLine();
            } while (!pasv.startsWith("227"));
            String[] n = pasv.substring(pasv.indexOf('(') + 1, pasv.indexOf(')')).split(",");
            try (Socket data = new Socket("127.0.0.1", Integer.parseInt(n[4]) * 256 + Integer.parseInt(n[5]))) {
                out.write("RETR endless.bin\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(65_536, data.getInputStream().readNBytes(65_536).length);
                data.setSoLinger(true, 0); // close with a reset, as a killed client does
                control.setSoLinger(true, 0);
            }
        }
        eventually(() -> ftp.server.openConnections() == 0);
        assertArrayEquals(TestDfs.text("small"), retrieve(ftp.login(), "small.txt"));
        root.detachAppender(logged);
        var loud = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        assertEquals(List.of(), loud);
    }

    @Test
    void aClientClosingTheDataConnectionGetsAnErrorAndKeepsItsSession() throws IOException {
        start(4, Duration.ofMinutes(1));
        FTPClient client = ftp.login();
        InputStream transfer = client.retrieveFileStream("endless.bin");
        transfer.readNBytes(1000);
        transfer.close(); // only the data connection
        assertFalse(client.completePendingCommand());
        assertEquals(426, client.getReplyCode(), client.getReplyString());
        eventually(() -> ftp.dfs.remote.openStreams() == 0);
        assertTrue(client.sendNoOp());
        assertArrayEquals(TestDfs.text("small"), retrieve(client, "small.txt"));
    }

    @Test
    void aClientClosingTheDataConnectionOfALocalFileGets426AndItsAborA226() throws IOException {
        start(4, Duration.ofMinutes(1));
        FTPClient client = ftp.login();
        InputStream transfer = client.retrieveFileStream("sparse.bin");
        assertEquals(1000, transfer.readNBytes(1000).length);
        transfer.close(); // the data connection only, as a client aborting does before its ABOR
        assertEquals(426, client.sendCommand("ABOR"), "the transfer's reply comes first");
        assertEquals(226, client.getReply(), client.getReplyString());
        assertTrue(client.sendNoOp());
        assertArrayEquals(TestDfs.text("small"), retrieve(client, "small.txt"));
    }

    @Test
    void aFileGoneFromDiskIsAnErrorForThatTransferOnly() throws IOException {
        start(4, Duration.ofMinutes(1));
        FTPClient client = ftp.login();
        Files.delete(dir.resolve("gone.txt")); // still in the tree until the scanner notices
        assertNull(retrieve(client, "gone.txt"));
        assertEquals(5, client.getReplyCode() / 100, client.getReplyString());
        assertTrue(client.sendNoOp());
        assertArrayEquals(TestDfs.text("small"), retrieve(client, "small.txt"));
    }

    @Test
    void anOwnerThatFailsIsAnErrorForThatTransferOnly() throws IOException {
        start(4, Duration.ofMinutes(1));
        FTPClient client = ftp.login();
        assertNull(retrieve(client, "dead.txt"));
        assertEquals(5, client.getReplyCode() / 100, client.getReplyString());
        assertArrayEquals(TestDfs.text("peer"), retrieve(client, "peer.txt"));
    }

    @Test
    void anIdleSessionIsClosed() throws IOException {
        start(4, Duration.ofSeconds(1));
        FTPClient idle = ftp.login();
        eventually(() -> ftp.server.openConnections() == 0);
        assertThrows(FTPConnectionClosedException.class, idle::noop);
    }

    @ParameterizedTest
    @ValueSource(strings = {"endless.bin", "sparse.bin"})
    void aTransferLongerThanTheIdleTimeoutKeepsItsSession(String file) throws IOException {
        start(4, Duration.ofSeconds(1));
        FTPClient slow = ftp.login();
        InputStream transfer = slow.retrieveFileStream(file);
        long end = System.nanoTime() + Duration.ofMillis(2500).toNanos();
        while (System.nanoTime() < end) {
            transfer.readNBytes(4096); // a slow client: the control connection is silent all along
            sleep(50);
        }
        transfer.close();
        slow.completePendingCommand();
        assertTrue(slow.sendNoOp(), "the session outlived a transfer longer than its idle timeout");
    }

    /** A peer's file blocks in a socket write, a local one in {@code sendfile}, which a close alone does not end. */
    @ParameterizedTest
    @ValueSource(strings = {"endless.bin", "sparse.bin"})
    void stopAbortsTransfersAndClosesSessionsAtOnce(String file) throws IOException {
        start(4, Duration.ofMinutes(1));
        FTPClient client = ftp.login();
        InputStream transfer = client.retrieveFileStream(file);
        transfer.readNBytes(1000);
        sleep(200); // the server fills the socket buffers and blocks
        long started = System.nanoTime();
        ftp.server.stop();
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), "stop did not wait for MINA");
        assertEquals(0, ftp.server.openConnections());
        eventually(() -> ftp.dfs.remote.openStreams() == 0);
        assertThrows(IOException.class, () -> {
            while (transfer.read(new byte[65536]) >= 0) {
                // drain what was in flight; the server closed the data connection
            }
            throw new IOException("end of stream");
        });
    }

    /** Waits up to five seconds for {@code condition}, which the server reaches asynchronously. */
    private static void eventually(BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "condition not reached in 5 s");
            sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
