package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Starting, stopping and configuring the server, as the node does it. */
class DfsFtpServerTest {
    @TempDir
    Path dir;
    private TestDfs dfs;
    private final Logger logger = (Logger) LoggerFactory.getLogger(DfsFtpServer.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void setUp() throws IOException {
        dfs = new TestDfs(dir).local("a.txt", TestDfs.text("a"));
        logger.setLevel(Level.INFO);
        logger.setAdditive(false); // captured here, kept off the console
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(logged);
        logger.setAdditive(true);
        logger.setLevel(null);
    }

    private DfsFtpServer server(FtpOptions options) {
        return new DfsFtpServer(options, dfs.snapshots(), dfs.localRoot, dfs.remote);
    }

    @Test
    void startLogsTheLineUsersGrepForWithTheBoundPort() throws IOException {
        try (DfsFtpServer server = server(FtpTestServer.options(4, Duration.ofMinutes(1)))) {
            server.start();
            assertNotEquals(0, server.port(), "port 0 asks the system for a free one");
            assertEquals("FTP public interface listening on 127.0.0.1:" + server.port() + "...",
                    logged.list.get(0).getFormattedMessage());
        }
    }

    @Test
    void theLineSaysWhetherTlsIsOfferedOrRequired() throws IOException {
        FtpOptions options = FtpTestServer.options(4, Duration.ofMinutes(1));
        javax.net.ssl.SSLContext tls = TestTls.server("a");
        try (DfsFtpServer server = server(options.withTls(FtpTls.offered(() -> tls)))) {
            server.start();
            assertEquals("FTP public interface listening on 127.0.0.1:" + server.port() + "... (explicit TLS offered)",
                    logged.list.get(0).getFormattedMessage());
        }
        try (DfsFtpServer server = server(options.withTls(new FtpTls(() -> tls, true)))) {
            server.start();
            assertEquals("FTP public interface listening on 127.0.0.1:" + server.port() + "... (TLS required)",
                    logged.list.get(2).getFormattedMessage(), "after the first server's start and stop");
        }
    }

    @Test
    void anEmptyHostListensOnEveryInterface() throws IOException {
        try (DfsFtpServer server = server(FtpOptions.defaults(TestDfs.NODE).withListen("", 0))) {
            server.start();
            assertEquals("FTP public interface listening on :" + server.port() + "...",
                    logged.list.get(0).getFormattedMessage());
            FTPClient client = new FTPClient();
            client.connect("127.0.0.1", server.port());
            assertEquals(220, client.getReplyCode());
            client.disconnect();
        }
    }

    @Test
    void aTakenPortFailsToStartWithTheAddressInTheMessage() throws IOException {
        try (DfsFtpServer first = server(FtpTestServer.options(4, Duration.ofMinutes(1)))) {
            first.start();
            FtpOptions same = FtpTestServer.options(4, Duration.ofMinutes(1)).withListen("127.0.0.1", first.port());
            try (DfsFtpServer second = server(same)) {
                IOException e = assertThrows(IOException.class, second::start);
                assertTrue(e.getMessage().startsWith("FTP: cannot listen on 127.0.0.1:" + first.port()), e.getMessage());
            }
        }
    }

    @Test
    void stopIsIdempotentAndFinal() throws IOException {
        DfsFtpServer server = server(FtpTestServer.options(4, Duration.ofMinutes(1)));
        server.stop(); // never started: nothing to do
        server.start();
        server.stop();
        server.close();
        assertThrows(IllegalStateException.class, server::start);
    }

    @Test
    void passiveModeAnnouncesTheConfiguredAddressAndPorts() throws IOException {
        FtpOptions options = FtpTestServer.options(4, Duration.ofMinutes(1)).withPassive("40100-40199", "10.9.8.7");
        try (FtpTestServer ftp = new FtpTestServer(dfs, options)) {
            FTPClient client = ftp.login();
            assertEquals(227, client.sendCommand("PASV"));
            Matcher m = Pattern.compile("\\(10,9,8,7,(\\d+),(\\d+)\\)").matcher(client.getReplyString());
            assertTrue(m.find(), client.getReplyString());
            int port = Integer.parseInt(m.group(1)) * 256 + Integer.parseInt(m.group(2));
            assertTrue(port >= 40100 && port <= 40199, "port " + port);
            assertEquals(229, client.sendCommand("EPSV"));
            assertTrue(client.getReplyString().matches("(?s)229 .*\\(\\|\\|\\|401\\d\\d\\|\\).*"), client.getReplyString());
        }
    }
}
