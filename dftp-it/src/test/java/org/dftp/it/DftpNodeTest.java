package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A whole node over a directory on disk: it scans, listens on a free port, and serves what it found. */
@ExtendWith(NettyLeaks.class)
class DftpNodeTest {
    @TempDir
    Path dir;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void nodeServesItsScannedTreeOverHttp() throws Exception {
        byte[] big = new byte[1 << 20];
        new Random(2).nextBytes(big);
        Files.writeString(dir.resolve("test.txt"), "Hello from dftp ga!\n");
        Files.write(dir.resolve("big.bin"), big);
        Files.createDirectories(dir.resolve("somedir/nested"));
        Files.write(dir.resolve("somedir/c.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8});
        Files.writeString(dir.resolve("somedir/nested/é ü.txt"), "utf-8\n");

        ListAppender<ILoggingEvent> log = LogCapture.info("org.dftp.netty.DftpNode");
        NodeConfig config = NodeConfig.defaults("ga", dir)
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null)
                .withMulticast(null);
        try (DftpNode node = DftpNode.start(config)) {
            assertTrue(node.httpPort() > 0);
            assertEquals(expectedFind(dir, ""), lines(get(node, "/find/").body()));
            assertEquals("Hello from dftp ga!\n", get(node, "/fs/test.txt").body());
            HttpResponse<byte[]> bigRes = client.send(HttpRequest.newBuilder(uri(node, "/fs/big.bin")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(big, bigRes.body());
            assertEquals("utf-8\n", get(node, "/fs/somedir/nested/%C3%A9%20%C3%BC.txt").body());
            String listing = get(node, "/fs/somedir/").body();
            assertTrue(listing.contains("<a href=\"nested/\">nested/</a>"), listing);
            assertTrue(listing.contains("<a href=\"c.jpg\">c.jpg</a>"), listing);
            assertTrue(listing.contains("<td>ga\n"), "the owner column: " + listing);
            assertEquals(404, get(node, "/fs/nope").statusCode());
            assertTrue(get(node, "/").body().contains("ga"));
            assertEquals(big.length + 20L + 6, node.metrics().bytesServedLocal.sum());
        }
        List<String> messages = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(messages.contains("Scanner: local scan finished, 4 file(s) found"), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("HTTP public interface listening on 127.0.0.1:")),
                messages.toString());
    }

    @Test
    void nodeMountsItsTreeUnderDfsmount() throws Exception {
        Files.writeString(dir.resolve("test.txt"), "mounted\n");
        NodeConfig d = NodeConfig.defaults("ga", dir);
        NodeConfig config = new NodeConfig(d.nodeName(), d.clusterName(), dir, DfsPath.of("x/y"),
                HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null, null, null, null,
                d.ftpMaxConnections(), d.ftpIdleTimeout(), d.fullUpdateInterval(), d.pingInterval(), d.pingFailures(),
                d.writes(), d.tls());
        try (DftpNode node = DftpNode.start(config)) {
            List<String> found = lines(get(node, "/find/").body());
            assertTrue(found.contains("/x/y/test.txt"), found.toString());
            assertEquals("mounted\n", get(node, "/fs/x/y/test.txt").body());
            assertEquals(404, get(node, "/fs/test.txt").statusCode());
        }
    }

    @Test
    void nodeThatCannotBindFailsToStartWithAnIoException() throws Exception {
        NodeConfig first = NodeConfig.defaults("ga", dir)
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null).withMulticast(null);
        try (DftpNode node = DftpNode.start(first)) {
            NodeConfig clash = first.withListen(HostPort.parse("127.0.0.1:" + node.httpPort()),
                    HostPort.parse("127.0.0.1:0"), null);
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> DftpNode.start(clash));
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), String.valueOf(e));
            assertEquals(200, get(node, "/fs/").statusCode(), "the first node is unharmed");
        }
    }


    private static List<String> expectedFind(Path root, String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            all.filter(p -> !p.equals(root)).forEach(p -> out.add(prefix + "/" + root.relativize(p).toString()));
        }
        return out.stream().sorted(DftpNodeTest::bySegments).toList();
    }

    /** The order of /find/: depth first, a directory before its contents, siblings by name. */
    private static int bySegments(String a, String b) {
        return DfsPath.of(a).compareTo(DfsPath.of(b));
    }

    private static List<String> lines(String body) {
        return body.isEmpty() ? List.of() : List.of(body.split("\r?\n"));
    }

    private HttpResponse<String> get(DftpNode node, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(node, path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(DftpNode node, String path) {
        return URI.create("http://127.0.0.1:" + node.httpPort() + path);
    }
}
