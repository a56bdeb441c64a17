package org.dftp.netty.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.Offer;
import org.dftp.core.wire.NodeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The living cluster in one JVM: incremental pushes, the request for a missing full update, repair of a
 * failed push, and a removed node taken in again. Nodes are {@link TestNode}s on loopback.
 */
@Timeout(60)
class LivingClusterTest {
    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    private TestNode node(String name, Duration pingInterval, int failures) throws Exception {
        TestNode n = TestNode.start(name, 7040 + 10 * nodes.size(), pingInterval, failures);
        nodes.add(n);
        return n;
    }

    private TestNode node(String name) throws Exception {
        return node(name, Duration.ofSeconds(10), 3);
    }

    private static Change offer(String owner, String path, long time) {
        return Change.offer(DfsPath.of(path), Offer.of(owner, 0644, path.length(), 1000, time));
    }

    /** What a node's watcher does with a batch: into its store, then to every peer. */
    private static void localChange(TestNode n, Change... changes) {
        List<Change> batch = List.of(changes);
        n.store.publish(new Event.LocalScanned(batch, false, 2000)).join();
        n.cluster.pushChanges(batch);
    }

    private static void join(TestNode from, TestNode to) throws Exception {
        assertEquals(200, from.form("/join/", "peer=" + to.mgmt()).statusCode());
        TestNode.await(from.name + " and " + to.name + " exchanged full updates",
                () -> from.store.snapshot().peer(to.name) != null
                        && from.store.snapshot().peer(to.name).lastFullUpdateReceived() > 0
                        && to.store.snapshot().peer(from.name) != null
                        && to.store.snapshot().peer(from.name).lastFullUpdateReceived() > 0);
    }

    @Test
    void localChangesReachEveryPeerAsIncrementalUpdatesInTheOrderTheyWereMade() throws Exception {
        TestNode a = node("node-a");
        TestNode b = node("node-b");
        TestNode c = node("node-c");
        a.scanned(1000, "old.txt");
        join(a, b);
        join(c, a);
        TestNode.await("c met b", () -> c.store.snapshot().peer("node-b") != null);
        long fullAtB = b.store.snapshot().peer("node-a").lastFullUpdateReceived();

        // Fifty batches in a row, each undoing the last: only the order they were made in gives the end.
        for (int i = 0; i < 50; i++) {
            localChange(a, i % 2 == 0 ? offer("node-a", "flip.txt", 2000 + i) : Change.withdraw(DfsPath.of("flip.txt"), "node-a"),
                    offer("node-a", "n" + i + ".txt", 2000 + i));
        }
        localChange(a, Change.withdraw(DfsPath.of("old.txt"), "node-a"));
        for (TestNode peer : List.of(b, c)) {
            TestNode.await(peer.name + " has every change", () -> "node-a".equals(peer.ownerOf("n49.txt"))
                    && peer.ownerOf("old.txt") == null);
            assertNull(peer.ownerOf("flip.txt"), "the last batch withdrew flip.txt");
            assertEquals(50, peer.store.snapshot().tree().size() - ownedByOthers(peer));
        }
        assertEquals(fullAtB, b.store.snapshot().peer("node-a").lastFullUpdateReceived(), "no full update was needed");
    }

    private static int ownedByOthers(TestNode n) {
        int[] count = {0};
        var w = n.store.snapshot().tree().walk(DfsPath.ROOT);
        while (w.advance()) {
            if (Offer.find(w.node().offer(), "node-a") == null) {
                count[0]++;
            }
        }
        return count[0];
    }

    @Test
    void needsFullUpdateOnlyUntilOneArrivesAndNotTwiceInAMoment() {
        NodeInfo fresh = NodeInfo.of("gb", ":7050", ":7051");
        long patience = Membership.FULL_UPDATE_PATIENCE.toNanos();
        assertTrue(Membership.needsFullUpdate(fresh, null));
        assertFalse(Membership.needsFullUpdate(fresh, patience / 2), "asked a moment ago");
        assertTrue(Membership.needsFullUpdate(fresh, patience), "asked long ago, and still nothing");
        assertFalse(Membership.needsFullUpdate(fresh.withUpdateReceived(5, true), null));
        assertTrue(Membership.needsFullUpdate(fresh.withUpdateReceived(5, false), null), "incremental ones don't count");
    }

    @Test
    void anIncrementalUpdateFromAPeerThatSentNoFullUpdateMakesUsAskForOne() throws Exception {
        TestNode a = node("node-a");
        TestNode b = node("node-b");
        b.scanned(1000, "b1.txt", "b2.txt");
        // a knows b without having had its full update (as after a push that failed); b does not know a.
        a.store.publish(new Event.PeerSeen(NodeInfo.of("node-b", "127.0.0.1:7050", b.mgmt().toString()), 1)).join();
        String update = "{\"Files\":[{\"FullName\":\"inc.txt\",\"Basename\":\"inc.txt\",\"Dir\":false,"
                + "\"LastModified\":1000,\"LastInfoUpdated\":1000,\"SizeInBytes\":3,\"FileMode\":420,"
                + "\"OwnerNode\":\"node-b\",\"Deletion\":false}],\"UpdateTime\":1000,\"Full\":false,"
                + "\"SenderNodeName\":\"node-b\"}";
        assertEquals(200, a.post("/update/", "application/json", update).statusCode());
        TestNode.await("b's full update arrived", () -> a.store.snapshot().peer("node-b").lastFullUpdateReceived() > 0);
        assertEquals("node-b", a.ownerOf("b1.txt"));
        assertEquals("node-b", a.ownerOf("b2.txt"));
        assertNull(a.ownerOf("inc.txt"), "b's full update is the truth, and it does not have inc.txt");
        assertTrue(b.store.snapshot().peer("node-a") != null, "asking was a greeting");
    }

    @Test
    void aPeerAPushFailedToIsRepairedWithAFullUpdateWhenItAnswersAgain() throws Exception {
        TestNode a = node("node-a");
        TestNode b = node("node-b");
        join(a, b);
        NodeInfo real = a.store.snapshot().peer("node-b");
        // b's address goes bad, as when its host is unreachable: the next push fails.
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        a.store.publish(new Event.PeerSeen(real.withAddresses(real.publicAddr(), "127.0.0.1:" + closedPort), 2)).join();
        localChange(a, offer("node-a", "missed.txt", 2000));
        TestNode.await("the push failed", () -> a.cluster.membership().pusher().stale("node-b"));
        localChange(a, offer("node-a", "missed-too.txt", 2001));
        a.store.publish(new Event.PeerSeen(real, 3)).join();
        assertNull(b.ownerOf("missed.txt"));

        a.cluster.membership().forLiveness().answered("node-b"); // what liveness says when b answers a ping
        TestNode.await("b got both changes", () -> "node-a".equals(b.ownerOf("missed.txt"))
                && "node-a".equals(b.ownerOf("missed-too.txt")));
        assertFalse(a.cluster.membership().pusher().stale("node-b"));
    }

    @Test
    void aRemovedNodeThatComesBackIsTakenInWithItsNewTree() throws Exception {
        TestNode a = node("node-a", Duration.ofMillis(100), 2);
        TestNode b = node("node-b", Duration.ofMillis(100), 2);
        a.scanned(1000, "a.txt");
        b.scanned(1000, "b-old.txt", "shared.txt");
        join(a, b);
        assertEquals("node-b", a.ownerOf("b-old.txt"));

        b.close();
        nodes.remove(b);
        TestNode.await("a removed b", () -> a.store.snapshot().peer("node-b") == null);
        assertNull(a.ownerOf("b-old.txt"));
        assertEquals(1, a.metrics.peersRemoved.sum());

        // b restarts elsewhere with another tree and greets a (as a /join/ or multicast would make it).
        TestNode b2 = node("node-b", Duration.ofMillis(100), 2);
        b2.scanned(2000, "b-new.txt", "shared.txt");
        join(b2, a);
        TestNode.await("a has b's new tree", () -> "node-b".equals(a.ownerOf("b-new.txt")));
        assertNull(a.ownerOf("b-old.txt"));
        assertEquals("node-b", a.ownerOf("shared.txt"));
        TestNode.await("a counted the return", () -> a.metrics.peersReturned.sum() == 1);
        assertTrue(a.get("/metrics").body().contains("dftp_peers_returned_total 1\n"));
        assertTrue(a.get("/metrics").body().contains("dftp_peers_removed_total 1\n"));
        assertEquals("node-a", b2.ownerOf("a.txt"), "and b has a's tree again");
    }
}
