package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** A whole {@link DftpNode} follows its disk and tells a peer ({@link TestNode}): incrementally, and periodically in full. */
@Timeout(60)
class NodeFollowsDiskTest {
    @TempDir
    Path dir;

    private DftpNode node;
    private TestNode peer;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    private void start(Duration fullUpdateInterval) throws Exception {
        Files.writeString(dir.resolve("first.txt"), "first");
        node = DftpNode.start(NodeConfig.defaults("disk", dir)
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null)
                .withMulticast(null)
                .withFullUpdateInterval(fullUpdateInterval));
        peer = TestNode.start("peer", 7040);
        assertEquals(200, peer.form("/join/", "peer=127.0.0.1:" + node.mgmtPort()).statusCode());
        TestNode.await("the peer has the node's full update", () -> "disk".equals(peer.ownerOf("first.txt")));
    }

    @Test
    void aFileWrittenToDiskReachesThePeerAsAnIncrementalUpdate() throws Exception {
        start(Duration.ofHours(1));
        long full = peer.store.snapshot().peer("disk").lastFullUpdateReceived();
        long received = peer.metrics.updatesReceived.sum();
        Files.writeString(dir.resolve("second.txt"), "second");
        TestNode.await("second.txt reached the peer", () -> "disk".equals(peer.ownerOf("second.txt")));
        Files.delete(dir.resolve("first.txt"));
        TestNode.await("first.txt is withdrawn at the peer", () -> peer.ownerOf("first.txt") == null);
        assertEquals(full, peer.store.snapshot().peer("disk").lastFullUpdateReceived(), "no full update carried them");
        assertEquals(received + 2, peer.metrics.updatesReceived.sum(), "one update per change");
    }

    @Test
    void everyFullUpdateIntervalThePeerGetsAFullUpdate() throws Exception {
        start(Duration.ofMillis(200));
        long received = peer.metrics.updatesReceived.sum();
        TestNode.await("two more full updates", () -> peer.metrics.updatesReceived.sum() >= received + 2);
        assertEquals("disk", peer.ownerOf("first.txt"));
    }
}
