package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.dftp.core.auth.LoginThrottle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DfsFtpServer#metrics()}, the figures {@code /metrics} shows for the FTP port, counts what clients
 * really did: sessions, logins good and bad, the refusals of each limit, and completed transfers with
 * their bytes in each direction.
 */
@Timeout(60)
class FtpMetricsTest {
    private static final byte[] UPLOAD = TestDfs.random(100_000, 7);

    @TempDir
    Path dir;
    @TempDir
    Path etc;
    private FtpTestServer ftp;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (ftp != null) {
            ftp.close();
        }
    }

    @Test
    void countsSessionsLoginsRefusalsAndTransfers() throws Exception {
        TestDfs dfs = new TestDfs(dir).local("old.txt", TestDfs.text("old content"));
        FtpWrites writes = new FtpWrites(dfs.writes(), new FakeRemoteWrites(),
                TestUsers.load(etc, TestUsers.line("writer", "w-secret", "write", null)), new LoginThrottle(),
                true, 1_000_000);
        // Three places, two per address, and a second to log in.
        ftp = new FtpTestServer(dfs, FtpTestServer.options(3, Duration.ofMinutes(1))
                .withLoginLimits(Duration.ofSeconds(1), 2), writes);
        FtpMetrics fresh = ftp.server.metrics();
        assertEquals(0, fresh.sessions() + fresh.logins() + fresh.downloads() + fresh.uploads()
                + fresh.transferDurations().count());

        FTPClient writer = ftp.login("writer", "w-secret");
        assertArrayEquals(TestDfs.text("old content"), FtpTestServer.retrieve(writer, "/old.txt"));
        assertTrue(writer.storeFile("/new.bin", new ByteArrayInputStream(UPLOAD)), writer.getReplyString());

        FTPClient guesser = ftp.connect();
        assertFalse(guesser.login("writer", "wrong"), "a wrong password is refused");

        // Both places of 127.0.0.1 are taken: a third connection from there is refused for its address.
        assertTrue(banner(InetAddress.getByName("127.0.0.1")).startsWith("421 "));
        awaitOpen(2); // the refused one's place is given back as MINA closes it
        // 127.0.0.2 (loopback too, on Linux) takes the last place; the next one finds the port full.
        Socket last = connect(InetAddress.getByName("127.0.0.2"));
        assertTrue(reader(last).readLine().startsWith("220 "));
        assertTrue(banner(InetAddress.getByName("127.0.0.2")).startsWith("421 "));

        // The guesser and the last connection never log in: the login timeout closes both.
        awaitOpen(1);
        FtpMetrics m = ftp.server.metrics();
        assertEquals(2, m.loginTimeouts(), m::toString);
        assertEquals(1, m.logins(), m::toString);
        assertEquals(1, m.failedLogins(), m::toString);
        assertEquals(1, m.refusedPerAddress(), m::toString);
        assertEquals(1, m.refusedMaxConnections(), m::toString);
        assertEquals(5, m.sessions(), "every connection accepted, the refused ones too: " + m);
        assertEquals(1, m.downloads(), m::toString);
        assertEquals(TestDfs.text("old content").length, m.bytesDownloaded(), m::toString);
        assertEquals(1, m.uploads(), m::toString);
        assertEquals(UPLOAD.length, m.bytesUploaded(), m::toString);
        assertTrue(m.sessionsOpen() >= 1, m::toString);
        assertEquals(2, m.transferDurations().count(), "the download and the upload were timed");
        assertTrue(m.transferDurations().sumSeconds() > 0);
        writer.disconnect();
    }

    private void awaitOpen(int sessions) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ftp.server.openConnections() != sessions && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(sessions, ftp.server.openConnections());
    }

    private Socket connect(InetAddress from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), ftp.server.port()), 5000);
        s.setSoTimeout((int) FtpTestServer.CLIENT_TIMEOUT.toMillis());
        return s;
    }

    private String banner(InetAddress from) throws IOException {
        return reader(connect(from)).readLine();
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }
}
