package org.dftp.core.cluster;

import static org.dftp.core.testing.TreeFixtures.changes;
import static org.dftp.core.testing.TreeFixtures.dump;
import static org.dftp.core.testing.TreeFixtures.paths;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.Event.LocalScanned;
import org.dftp.core.cluster.Event.PeerRemoved;
import org.dftp.core.cluster.Event.PeerSeen;
import org.dftp.core.cluster.Event.SelfAddresses;
import org.dftp.core.cluster.Event.UpdatePushed;
import org.dftp.core.cluster.Event.UpdateReceived;
import org.dftp.core.testing.TreeFixtures;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.wire.NodeInfo;
import org.junit.jupiter.api.Test;

class ReducerTest {
    private static final NodeInfo GA = NodeInfo.of("ga", "127.0.0.1:7040", "127.0.0.1:7041");
    private static final NodeInfo GB = NodeInfo.of("gb", "127.0.0.1:7050", "127.0.0.1:7051");

    /** ga alone, with its local files scanned. */
    private static ClusterState gaScanned() {
        return Reducer.apply(ClusterState.initial("dftp", GA),
                new LocalScanned(TreeFixtures.gaChanges(), true, TreeFixtures.GA_UPDATED));
    }

    /** ga knowing gb, and gb's full update received. */
    private static ClusterState gaWithGb() {
        ClusterState s = Reducer.apply(gaScanned(), new PeerSeen(GB, 100));
        return Reducer.apply(s, new UpdateReceived("gb", true, 200, TreeFixtures.gbChanges()));
    }

    @Test
    void anUpdateFromAnUnknownSenderIsIgnored() {
        ClusterState s = gaScanned();
        assertSame(s, Reducer.apply(s, new UpdateReceived("gb", true, 200, TreeFixtures.gbChanges())));
        assertSame(s, Reducer.apply(s, new UpdateReceived("gb", false, 200, TreeFixtures.gbChanges())));
    }

    @Test
    void aFullUpdateFromAKnownPeerFillsTheTreeAndStampsThePeer() {
        ClusterState s = gaWithGb();
        assertEquals(dump(TreeFixtures.gaGb()), dump(s.tree()));
        NodeInfo gb = s.peer("gb");
        assertEquals(200, gb.lastUpdateReceived());
        assertEquals(200, gb.lastFullUpdateReceived());
        assertEquals(200, gb.lastAlive(), "an update is a sign of life");
    }

    @Test
    void anIncrementalUpdateLeavesTheLastFullUpdateTime() {
        ClusterState s = Reducer.apply(gaWithGb(), new UpdateReceived("gb", false, 300, changes("gb /new 1")));
        assertEquals(300, s.peer("gb").lastUpdateReceived());
        assertEquals(200, s.peer("gb").lastFullUpdateReceived());
        assertEquals("gb", s.tree().lookup(DfsPath.of("/new")).owner());
        assertEquals("gb", s.tree().lookup(DfsPath.of("/bigb1g.bin")).owner(), "nothing pruned");
    }

    @Test
    void aFullUpdatePrunesTheSendersMissingOffersAndKeepsOurs() {
        ClusterState s = Reducer.apply(gaWithGb(), new UpdateReceived("gb", true, 300, changes("gb /bigb1g.bin 5")));
        assertEquals(List.of("/big1g.bin", "/bigb1g.bin", "/f100k.bin", "/f64m.bin", "/small1k.bin", "/somedir/",
                "/somedir/nested/", "/test.txt"), paths(s.tree()));
        assertEquals("ga", s.tree().lookup(DfsPath.of("/somedir")).owner(), "gb's half of somedir is gone");
    }

    @Test
    void aPathTheSendersFullUpdateDropsFallsBackToAnotherNodesOffer() {
        // gb's newer offer of /shared wins until gb's next full update leaves it out: then ga's serves again.
        ClusterState s = Reducer.apply(gaWithGb(), new LocalScanned(changes("ga /shared 1 @100"), false, 100));
        s = Reducer.apply(s, new UpdateReceived("gb", false, 300, changes("gb /shared 2 @300")));
        assertEquals("gb", s.tree().lookup(DfsPath.of("/shared")).owner());
        s = Reducer.apply(s, new UpdateReceived("gb", true, 400, changes("gb /bigb1g.bin 5 @400")));
        assertEquals("ga", s.tree().lookup(DfsPath.of("/shared")).owner());
        assertEquals(1, s.tree().lookup(DfsPath.of("/shared")).offer().size());
        assertNull(s.tree().lookup(DfsPath.of("/somedir/c.jpg")), "and gb's other missing offers are pruned");
    }

    @Test
    void aPeerCannotChangeAnotherNodesOffers() {
        // Announcements.toChange always names the sender; this guards the reducer if a caller forgets.
        ClusterState before = gaWithGb();
        ClusterState s = Reducer.apply(before, new UpdateReceived("gb", false, 300,
                changes("ga /test.txt deleted", "ga /forged 1", "gb /fine 1")));
        assertEquals("ga", s.tree().lookup(DfsPath.of("/test.txt")).owner());
        assertNull(s.tree().lookup(DfsPath.of("/forged")));
        assertEquals("gb", s.tree().lookup(DfsPath.of("/fine")).owner());
        // A full update with a forged change is applied for the sender's own part rather than dropped whole.
        ClusterState full = Reducer.apply(before, new UpdateReceived("gb", true, 300,
                changes("ga /test.txt deleted", "gb /bigb1g.bin 1073741824")));
        assertEquals("ga", full.tree().lookup(DfsPath.of("/test.txt")).owner());
        assertNull(full.tree().lookup(DfsPath.of("/somedir/c.jpg")));
    }

    /** What ga's own /test.txt looks like: still ga's file, with nothing below it. */
    private static void assertLocalFileKept(ClusterState s) {
        var node = s.tree().lookup(DfsPath.of("/test.txt"));
        assertEquals(false, node.isDirectory(), "ga's file stays a file");
        assertEquals("ga", node.owner());
        assertEquals(List.of(), node.children());
        assertNull(s.tree().lookup(DfsPath.of("/test.txt/child")));
    }

    @Test
    void aPeerNeverTurnsALocalFileIntoADirectory() {
        ClusterState before = gaWithGb();
        assertLocalFileKept(Reducer.apply(before, new UpdateReceived("gb", false, 300,
                changes("gb /test.txt/child 1"))));
        assertLocalFileKept(Reducer.apply(before, new UpdateReceived("gb", true, 300,
                changes("gb /test.txt/child 1"))));
        // A full update in path order comes as a tree of the sender's offers.
        DfsTree gbTree = DfsTree.EMPTY.apply(changes("gb /test.txt/ @300", "gb /test.txt/child 1 @300"));
        assertLocalFileKept(Reducer.apply(before, new UpdateReceived("gb", true, 300, List.of(), gbTree)));
    }

    @Test
    void aPeersNewerDirectoryNeverHidesALocalFile() {
        ClusterState s = Reducer.apply(gaWithGb(), new UpdateReceived("gb", false, 300,
                changes("gb /test.txt/ @" + (TreeFixtures.GA_UPDATED + 100))));
        assertLocalFileKept(s);
    }

    @Test
    void aPeersNewerFileOfTheSamePathStillWins() {
        // The original's rule for a path that several nodes hold stays: the most recent announcement.
        ClusterState s = Reducer.apply(gaWithGb(), new UpdateReceived("gb", false, 300,
                changes("gb /test.txt 7 @" + (TreeFixtures.GA_UPDATED + 100))));
        assertEquals("gb", s.tree().lookup(DfsPath.of("/test.txt")).owner());
        assertEquals("ga", s.tree().lookup(DfsPath.of("/test.txt")).offer().next().owner(), "ga's offer is kept behind it");
    }

    @Test
    void aLocalFileTakesThePathOfAPeersDirectory() {
        ClusterState s = Reducer.apply(gaWithGb(), new UpdateReceived("gb", false, 300,
                changes("gb /pdir/ @300", "gb /pdir/x 1 @300")));
        assertEquals(true, s.tree().lookup(DfsPath.of("/pdir")).isDirectory());
        s = Reducer.apply(s, new LocalScanned(changes("ga /pdir 5 @400"), false, 400));
        var node = s.tree().lookup(DfsPath.of("/pdir"));
        assertEquals(false, node.isDirectory());
        assertEquals("ga", node.owner());
        assertNull(s.tree().lookup(DfsPath.of("/pdir/x")));
    }

    @Test
    void peerRemovedDropsThePeerAndAllItsOffers() {
        ClusterState s = Reducer.apply(gaWithGb(), new PeerRemoved("gb", 400));
        assertNull(s.peer("gb"));
        assertEquals(dump(TreeFixtures.gaGb().withoutOwner("gb")), dump(s.tree()));
        assertSame(s, Reducer.apply(s, new PeerRemoved("gb", 401)), "removing an unknown peer changes nothing");
    }

    @Test
    void aPeerSeenForTheFirstTimeIsAddedAlive() {
        ClusterState s = Reducer.apply(gaScanned(), new PeerSeen(GB, 100));
        assertEquals(GB.withLastAlive(100), s.peer("gb"));
        assertEquals(List.of("gb"), List.copyOf(s.peers().keySet()));
        assertSame(s, Reducer.apply(s, new PeerSeen(GB, 100)), "seen again at the same time: no change");
    }

    @Test
    void aKnownPeerSeenAgainKeepsItsTimesAndTakesNewAddresses() {
        ClusterState s = Reducer.apply(gaWithGb(),
                new PeerSeen(NodeInfo.of("gb", "10.0.0.5:7050", "10.0.0.5:7051"), 250));
        NodeInfo gb = s.peer("gb");
        assertEquals("10.0.0.5:7050", gb.publicAddr());
        assertEquals("10.0.0.5:7051", gb.mgmtAddr());
        assertEquals(250, gb.lastAlive());
        assertEquals(200, gb.lastFullUpdateReceived());
    }

    @Test
    void lastAliveNeverGoesBackwards() {
        // Events are stamped by the thread that made them and may arrive slightly out of order.
        ClusterState s = Reducer.apply(gaWithGb(), new PeerSeen(GB, 150));
        assertEquals(200, s.peer("gb").lastAlive());
        s = Reducer.apply(s, new UpdateReceived("gb", false, 180, changes("gb /x 1")));
        assertEquals(200, s.peer("gb").lastAlive());
        assertEquals(180, s.peer("gb").lastUpdateReceived());
    }

    @Test
    void aNodeNeverBecomesItsOwnPeer() {
        ClusterState s = gaScanned();
        assertSame(s, Reducer.apply(s, new PeerSeen(GA, 100)));
    }

    @Test
    void updatePushedStampsAKnownPeerOnly() {
        ClusterState s = gaWithGb();
        assertEquals(300, Reducer.apply(s, new UpdatePushed("gb", 300)).peer("gb").lastUpdatePushed());
        assertSame(s, Reducer.apply(s, new UpdatePushed("gc", 300)));
    }

    @Test
    void aFullLocalScanReplacesOurOffersAndAnIncrementalOneAddsToThem() {
        ClusterState s = gaWithGb();
        ClusterState rescanned = Reducer.apply(s, new LocalScanned(changes("ga /only 1"), true, 500));
        assertEquals(List.of("/bigb1g.bin", "/fb64m.bin", "/only", "/somedir/", "/somedir/c.jpg"),
                paths(rescanned.tree()));
        ClusterState added = Reducer.apply(s, new LocalScanned(changes("ga /only 1"), false, 500));
        assertEquals(s.tree().size() + 1, added.tree().size());
        assertSame(s, Reducer.apply(s, new LocalScanned(TreeFixtures.gaChanges(), true, 500)),
                "a rescan that finds the same files changes nothing");
    }

    @Test
    void aLocalScanOfAnotherOwnersFilesIsAProgrammingErrorAndThrows() {
        ClusterState s = gaScanned();
        assertThrows(IllegalArgumentException.class,
                () -> Reducer.apply(s, new LocalScanned(changes("gb /x 1"), true, 1)));
    }

    @Test
    void selfAddressesReplaceOurOwnAddresses() {
        ClusterState s = Reducer.apply(gaScanned(), new SelfAddresses("127.0.0.1:17040", "127.0.0.1:17041"));
        assertEquals("127.0.0.1:17040", s.self().publicAddr());
        assertEquals("127.0.0.1:17041", s.self().mgmtAddr());
        assertSame(s, Reducer.apply(s, new SelfAddresses("127.0.0.1:17040", "127.0.0.1:17041")));
    }

    @Test
    void clusterInfoListsPeersByName() {
        ClusterState s = Reducer.apply(Reducer.apply(gaScanned(), new PeerSeen(GB, 1)),
                new PeerSeen(NodeInfo.of("a0", "x:1", "x:2"), 1));
        assertEquals(List.of("a0", "gb"), List.copyOf(s.info().peers().keySet()));
        assertEquals("dftp", s.info().name());
        assertEquals(GA, s.info().me());
    }
}
