package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request another node forwarded here ({@code redirN=1}) for a path this node offers too is served from
 * this node's copy, even when it thinks a third node owns the path: the forwarder has already dropped that
 * owner (it died), and this node will drop it a ping interval later.
 */
@Timeout(60)
class ForwardedRequestTest {
    @TempDir
    Path dir;

    private DftpNode c;
    private TestNode dead;

    @AfterEach
    void stop() {
        if (c != null) {
            c.close();
        }
        if (dead != null) {
            dead.close();
        }
    }

    @Test
    void aForwardedRequestForAPathWeOfferIsServedFromOurCopy() throws Exception {
        Files.writeString(dir.resolve("shared.txt"), "from c");
        c = DftpNode.start(NodeConfig.defaults("c", dir)
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null)
                .withMulticast(null));
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        // "b" offers shared.txt more recently than c, and its public port answers nobody.
        dead = TestNode.start("b", closed);
        dead.scanned(System.currentTimeMillis() / 1000 + 60, "shared.txt");
        assertEquals(200, dead.form("/join/", "peer=127.0.0.1:" + c.mgmtPort()).statusCode());
        TestNode.await("c thinks b owns shared.txt", () -> "b".equals(
                c.store().snapshot().tree().lookup(org.dftp.core.DfsPath.of("shared.txt")).owner()));

        // A user's request goes to the owner, which does not answer: c's own copy serves instead.
        HttpResponse<String> direct = get("/fs/shared.txt");
        assertEquals(200, direct.statusCode(), direct.body());
        assertEquals("from c", direct.body());
        HttpResponse<String> forwarded = get("/fs/shared.txt?redirN=1");
        assertEquals(200, forwarded.statusCode(), forwarded.body());
        assertEquals("from c", forwarded.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return TestNode.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
