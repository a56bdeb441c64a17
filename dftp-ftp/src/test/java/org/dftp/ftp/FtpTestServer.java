package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;

/**
 * A {@link DfsFtpServer} on a loopback port chosen by the system, over a {@link TestDfs}, and the
 * Commons Net clients connected to it; closing it disconnects them all and stops the server.
 */
final class FtpTestServer implements AutoCloseable {
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    final TestDfs dfs;
    final DfsFtpServer server;
    private final List<FTPClient> clients = new ArrayList<>();

    FtpTestServer(TestDfs dfs, FtpOptions options) throws IOException {
        this.dfs = dfs;
        this.server = new DfsFtpServer(options, dfs.snapshots(), dfs.localRoot, dfs.remote);
        server.start();
    }

    FtpTestServer(TestDfs dfs, FtpOptions options, FtpWrites writes) throws IOException {
        this.dfs = dfs;
        this.server = new DfsFtpServer(options, dfs.snapshots(), dfs.localRoot, dfs.remote, writes);
        server.start();
    }

    FtpTestServer(TestDfs dfs, FtpOptions options, FtpWrites writes, org.dftp.core.access.AccessLog accessLog)
            throws IOException {
        this.dfs = dfs;
        this.server = new DfsFtpServer(options, dfs.snapshots(), dfs.localRoot, dfs.remote, writes, accessLog);
        server.start();
    }

    /** A server that takes writes as {@code writes} says. */
    static FtpTestServer start(TestDfs dfs, FtpWrites writes) throws IOException {
        return new FtpTestServer(dfs, options(8, Duration.ofMinutes(1)), writes);
    }

    /** Options for a test server: loopback, any port, the given limits. */
    static FtpOptions options(int maxConnections, Duration idleTimeout) {
        return FtpOptions.defaults(TestDfs.NODE).withListen("127.0.0.1", 0).withLimits(maxConnections, idleTimeout);
    }

    static FtpTestServer start(TestDfs dfs) throws IOException {
        return new FtpTestServer(dfs, options(8, Duration.ofMinutes(1)));
    }

    /** A client connected (banner read), not logged in, in UTF-8 and passive mode. */
    FTPClient connect() throws IOException {
        FTPClient client = new FTPClient();
        client.setControlEncoding(StandardCharsets.UTF_8.name());
        client.setDefaultTimeout((int) CLIENT_TIMEOUT.toMillis());
        client.setConnectTimeout((int) CLIENT_TIMEOUT.toMillis());
        client.setDataTimeout(CLIENT_TIMEOUT);
        synchronized (clients) {
            clients.add(client);
        }
        client.connect("127.0.0.1", server.port());
        client.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
        client.enterLocalPassiveMode();
        return client;
    }

    /** A client logged in as anonymous, binary mode. */
    FTPClient login() throws IOException {
        FTPClient client = connect();
        assertTrue(client.login("anonymous", "test@example.com"), client.getReplyString());
        assertTrue(client.setFileType(FTP.BINARY_FILE_TYPE), client.getReplyString());
        return client;
    }

    /** A client logged in as {@code user}, binary mode. */
    FTPClient login(String user, String password) throws IOException {
        FTPClient client = connect();
        assertTrue(client.login(user, password), client.getReplyString());
        assertTrue(client.setFileType(FTP.BINARY_FILE_TYPE), client.getReplyString());
        return client;
    }

    /** The whole file as {@code RETR} delivers it; null when the server refused (the reply tells why). */
    static byte[] retrieve(FTPClient client, String path) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return client.retrieveFile(path, out) ? out.toByteArray() : null;
    }

    @Override
    public void close() {
        synchronized (clients) {
            for (FTPClient c : clients) {
                try {
                    c.disconnect();
                } catch (IOException e) {
                    // already gone
                }
            }
        }
        server.close();
    }
}
