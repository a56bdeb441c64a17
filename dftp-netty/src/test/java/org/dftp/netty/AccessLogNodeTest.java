package org.dftp.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dftp.core.testing.AccessLogFile;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.RawClient;
import org.dftp.netty.testing.RawResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -access-log} on a running node, over real sockets: files sent with {@code sendfile}, a 404, a HEAD,
 * keep-alive requests on one connection, and a client that goes away in the middle of a download.
 */
@ExtendWith(NettyLeaks.class)
@Timeout(60)
class AccessLogNodeTest {
    private static final Pattern LINE = Pattern.compile(
            "127\\.0\\.0\\.1 - - \\[T] \"(.*)\" (\\d{3}) (\\d+) \"-\" \"-\"");
    private static final int BIG = 64 << 20;

    @TempDir
    Path dir;
    @TempDir
    Path logs;
    private DftpNode node;
    private Path log;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(dir.resolve("hello.txt"), "Hello from dftp ga!\n");
        Files.write(dir.resolve("small.bin"), new byte[50_000]);
        try (var f = new java.io.RandomAccessFile(dir.resolve("big.bin").toFile(), "rw")) {
            f.setLength(BIG);
        }
        log = logs.resolve("access.log");
        Main main = new Main();
        new picocli.CommandLine(main).parseArgs("-dfsroot", dir.toString(), "-node-name=ga",
                "-http-listen=127.0.0.1:0", "-http-mgmt-listen=127.0.0.1:0", "-ftp-listen=",
                "-multicast-discovery-addr=", "-access-log=" + log);
        node = DftpNode.start(main.toConfig());
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** Request line, status and bytes of each line, once there are {@code n}. */
    private List<String> lines(int n) throws Exception {
        return AccessLogFile.awaitTimeless(log, n).stream().map(l -> {
            Matcher m = LINE.matcher(l);
            assertTrue(m.matches(), l);
            return m.group(1) + " " + m.group(2) + " " + m.group(3);
        }).toList();
    }

    @Test
    void keepAliveRequestsOnOneConnectionEachGetTheirLine() throws Exception {
        try (RawClient c = new RawClient(node.httpPort())) {
            assertEquals(200, c.request("GET", "/fs/hello.txt").read("GET").status());
            assertEquals(200, c.request("GET", "/fs/small.bin").read("GET").status());
            RawResponse missing = c.request("GET", "/fs/missing.bin").read("GET");
            assertEquals(404, missing.status());
            RawResponse head = c.request("HEAD", "/fs/small.bin").read("HEAD");
            assertEquals("50000", head.header("Content-Length"));
            assertEquals(List.of(
                    "GET /fs/hello.txt HTTP/1.1 200 20",
                    "GET /fs/small.bin HTTP/1.1 200 50000",
                    "GET /fs/missing.bin HTTP/1.1 404 " + missing.body().length,
                    "HEAD /fs/small.bin HTTP/1.1 200 0"), lines(4));
        }
    }

    @Test
    void pipelinedRequestsAreLoggedOnceEachInOrder() throws Exception {
        try (RawClient c = new RawClient(node.httpPort())) {
            c.send("GET /fs/small.bin HTTP/1.1\r\nHost: t\r\n\r\nGET /fs/hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(50_000, c.read("GET").body().length);
            assertEquals(20, c.read("GET").body().length);
            assertEquals(List.of("GET /fs/small.bin HTTP/1.1 200 50000", "GET /fs/hello.txt HTTP/1.1 200 20"), lines(2));
        }
    }

    @Test
    void aClientGoneMidwayLogsTheStatusSentAndTheBytesThatWentOut() throws Exception {
        try (RawClient c = new RawClient(node.httpPort(), 16 * 1024, 10_000)) {
            c.request("GET", "/fs/big.bin");
            assertEquals(200, c.readHead().status());
            InputStream in = c.input();
            byte[] some = new byte[64 * 1024];
            int read = 0;
            while (read < some.length) {
                read += in.read(some, read, some.length - read);
            }
        }
        List<String> lines = lines(1);
        assertEquals(1, lines.size(), lines.toString());
        String[] f = lines.get(0).split(" ");
        assertEquals("GET /fs/big.bin HTTP/1.1 200", String.join(" ", List.of(f).subList(0, 4)), lines.get(0));
        long sent = Long.parseLong(f[4]);
        assertTrue(sent >= 64 * 1024 && sent < BIG, "bytes sent before the client left: " + sent);
    }
}
