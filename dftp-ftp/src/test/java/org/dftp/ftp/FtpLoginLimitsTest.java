package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that never log in cannot lock others out: one address holds at most its share of the
 * sessions ({@code -ftp-max-connections-per-address}), and a session not logged in within the login
 * timeout ({@code -ftp-login-timeout}) is closed with {@code 421}.
 */
class FtpLoginLimitsTest {
    private static final InetAddress ONE = address("127.0.0.1");
    private static final InetAddress TWO = address("127.0.0.2"); // loopback too, on Linux

    @TempDir
    Path dir;
    private FtpTestServer ftp;
    private final List<Socket> idle = new ArrayList<>();

    private void start(Duration loginTimeout, int perAddress) throws IOException {
        TestDfs dfs = new TestDfs(dir).local("small.txt", TestDfs.text("small"));
        ftp = new FtpTestServer(dfs, FtpTestServer.options(64, Duration.ofMinutes(1))
                .withLoginLimits(loginTimeout, perAddress));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : idle) {
            s.close();
        }
        if (ftp != null) {
            ftp.close();
        }
    }

    @Test
    void sixtyFourIdleConnectionsFromOneAddressDoNotLockOutAnother() throws IOException {
        start(Duration.ofMinutes(1), 16);
        int welcomed = 0;
        int refused = 0;
        for (int i = 0; i < 64; i++) {
            String banner = firstLine(open(ONE));
            if (banner.startsWith("220")) {
                welcomed++;
            } else {
                assertTrue(banner.startsWith("421 ") && banner.contains("your address"), banner);
                refused++;
            }
        }
        assertEquals(16, welcomed, "one address holds its share");
        assertEquals(48, refused);

        FTPClient other = client(TWO);
        assertTrue(other.login("anonymous", "x@example.com"), other.getReplyString());
        assertEquals(List.of("small.txt"), names(other.listFiles("/")));
        other.disconnect();
    }

    @Test
    void aSessionNotLoggedInWithinTheLoginTimeoutIsClosedWith421() throws IOException {
        start(Duration.ofSeconds(1), 64);
        FTPClient early = client(ONE);
        assertTrue(early.login("anonymous", "x@example.com"), early.getReplyString());
        List<BufferedReader> waiting = new ArrayList<>();
        for (int i = 0; i < 63; i++) {
            BufferedReader in = reader(open(ONE));
            assertTrue(in.readLine().startsWith("220"));
            waiting.add(in);
        }
        // Every place is taken; the sessions that never logged in are closed after the login timeout.
        for (BufferedReader in : waiting) {
            String reply = in.readLine();
            assertTrue(reply != null && reply.startsWith("421 ") && reply.contains("Login timeout"), reply);
            assertNull(in.readLine(), "closed after the 421");
        }
        assertTrue(early.sendNoOp(), "a logged-in session stays past the login timeout");
        FTPClient next = client(ONE);
        assertTrue(next.login("anonymous", "x@example.com"), next.getReplyString());
        assertEquals(List.of("small.txt"), names(next.listFiles("/")));
        next.disconnect();
        early.disconnect();
    }

    private Socket open(InetAddress from) throws IOException {
        Socket s = new Socket();
        idle.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(ONE, ftp.server.port()), 5000);
        s.setSoTimeout((int) FtpTestServer.CLIENT_TIMEOUT.toMillis());
        return s;
    }

    private static String firstLine(Socket s) throws IOException {
        return reader(s).readLine();
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private FTPClient client(InetAddress from) throws IOException {
        FTPClient c = new FTPClient();
        c.setDefaultTimeout((int) FtpTestServer.CLIENT_TIMEOUT.toMillis());
        c.setConnectTimeout((int) FtpTestServer.CLIENT_TIMEOUT.toMillis());
        c.connect(ONE, ftp.server.port(), from, 0);
        c.setSoTimeout((int) FtpTestServer.CLIENT_TIMEOUT.toMillis());
        c.enterLocalPassiveMode();
        c.setPassiveLocalIPAddress(from); // the data connection from the same address, as the server checks
        c.setFileType(FTP.BINARY_FILE_TYPE);
        return c;
    }

    private static List<String> names(FTPFile[] files) {
        return Arrays.stream(files).map(FTPFile::getName).sorted().toList();
    }

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
