package org.dftp.ftp;

import static org.dftp.ftp.FtpTestServer.retrieve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.testing.AccessLogFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code -access-log} on FTP: a line per transfer, through Apache Commons Net against a real server. */
@Timeout(60)
class FtpAccessLogTest {
    private static final byte[] BIG = TestDfs.random(300_000, 41);
    private static final byte[] REMOTE = TestDfs.random(120_000, 42);

    @TempDir
    Path dir;
    @TempDir
    Path etc;
    private AccessLogFile accessLog;
    private FtpTestServer ftp;

    @BeforeEach
    void start() throws IOException {
        TestDfs dfs = new TestDfs(dir)
                .local("big.bin", BIG)
                .local("docs/a.txt", TestDfs.text("a"))
                .remote(TestDfs.PEER, "remote.bin", REMOTE)
                .localSparse("sparse.bin", 1L << 30);
        dfs.rescan();
        accessLog = AccessLogFile.in(etc);
        FtpWrites writes = new FtpWrites(dfs.writes(), new FakeRemoteWrites(),
                TestUsers.load(etc, TestUsers.line("writer", "w-secret", "write", null)), new LoginThrottle(), true, 0);
        ftp = new FtpTestServer(dfs, FtpTestServer.options(8, Duration.ofMinutes(1)), writes, accessLog.log);
    }

    @AfterEach
    void stop() {
        ftp.close();
        accessLog.close();
    }

    @Test
    void anAnonymousRetrIsLoggedWithTheUserThePathAndTheBytesSent() throws Exception {
        FTPClient client = ftp.login();
        assertNotNull(retrieve(client, "big.bin"));
        assertTrue(client.changeWorkingDirectory("docs"));
        assertNotNull(retrieve(client, "a.txt"));
        assertNotNull(retrieve(client, "/remote.bin"));
        assertNotNull(client.listFiles("/")); // a listing is no file transfer
        // Three lines and no more: the listing has none.
        assertEquals(List.of(
                "127.0.0.1 - anonymous [T] \"RETR /big.bin FTP\" 226 300000 \"-\" \"-\"",
                "127.0.0.1 - anonymous [T] \"RETR /docs/a.txt FTP\" 226 1 \"-\" \"-\"",
                "127.0.0.1 - anonymous [T] \"RETR /remote.bin FTP\" 226 120000 \"-\" \"-\""),
                accessLog.awaitTimeless(3));
    }

    @Test
    void aRetrCutShortLogs426AndTheBytesThatDidGoOut() throws Exception {
        FTPClient client = ftp.login();
        java.io.InputStream transfer = client.retrieveFileStream("sparse.bin");
        assertEquals(100_000, transfer.readNBytes(100_000).length);
        transfer.close(); // the data connection only, as a client aborting does
        assertEquals(426, client.sendCommand("ABOR"), "the transfer's reply comes first");
        String line = accessLog.awaitTimeless(1).get(0);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "127\\.0\\.0\\.1 - anonymous \\[T] \"RETR /sparse\\.bin FTP\" 426 (\\d+) \"-\" \"-\"").matcher(line);
        assertTrue(m.matches(), line);
        long sent = Long.parseLong(m.group(1));
        // MINA's own 426 reply says 0; the data connection counted what the socket took.
        assertTrue(sent >= 100_000 && sent < 1L << 30, "bytes before the cut: " + sent);
    }

    @Test
    void aRefusedRetrIsLoggedWithItsReplyCode() throws Exception {
        FTPClient client = ftp.login();
        assertNull(retrieve(client, "missing.bin"));
        assertEquals(550, client.getReplyCode());
        assertEquals("127.0.0.1 - anonymous [T] \"RETR /missing.bin FTP\" 550 0 \"-\" \"-\"",
                accessLog.awaitTimeless(1).get(0));
    }

    @Test
    void anUploadIsLoggedWithTheLoginNameAndTheBytesReceived() throws Exception {
        FTPClient client = ftp.login("writer", "w-secret");
        assertTrue(client.storeFile("docs/new.bin", new ByteArrayInputStream(BIG)), client.getReplyString());
        assertTrue(client.storeUniqueFile("docs", new ByteArrayInputStream(new byte[7])), client.getReplyString());
        List<String> lines = accessLog.awaitTimeless(2);
        assertEquals("127.0.0.1 - writer [T] \"STOR /docs/new.bin FTP\" 226 300000 \"-\" \"-\"", lines.get(0));
        // STOU logs the name the server picked, not the directory asked for.
        assertTrue(lines.get(1).matches(
                "127\\.0\\.0\\.1 - writer \\[T] \"STOU /docs/ftp\\.dat\\S* FTP\" 226 7 \"-\" \"-\""), lines.get(1));
    }

    @Test
    void aPathWithQuotesAndNonAsciiNamesIsEscaped() throws Exception {
        FTPClient client = ftp.login();
        assertNull(retrieve(client, "/\u00e9t\u00e9\"x"));
        assertEquals("127.0.0.1 - anonymous [T] \"RETR /\\xC3\\xA9t\\xC3\\xA9\\x22x FTP\" 550 0 \"-\" \"-\"",
                accessLog.awaitTimeless(1).get(0));
    }
}
