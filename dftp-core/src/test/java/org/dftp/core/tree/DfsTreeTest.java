package org.dftp.core.tree;

import static org.dftp.core.testing.TreeFixtures.changes;
import static org.dftp.core.testing.TreeFixtures.dump;
import static org.dftp.core.testing.TreeFixtures.paths;
import static org.dftp.core.testing.TreeFixtures.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.testing.TreeFixtures;
import org.junit.jupiter.api.Test;

class DfsTreeTest {

    private static DfsNode at(DfsTree t, String path) {
        return t.lookup(DfsPath.of(path));
    }

    private static List<String> walk(DfsTree t, String from) {
        List<String> out = new ArrayList<>();
        TreeWalker w = t.walk(DfsPath.of(from));
        while (w.advance()) {
            out.add(w.path().toString());
        }
        return out;
    }

    // --- directories come and go with their content ---

    @Test
    void addingAFileCreatesItsImplicitDirectories() {
        DfsTree t = tree("ga /a/b/c.txt 5");
        assertEquals(List.of("/a/", "/a/b/", "/a/b/c.txt"), paths(t));
        DfsNode a = at(t, "/a");
        assertTrue(a.isDirectory());
        assertNull(a.offer(), "nobody offered /a itself");
        assertEquals("ga", a.owner(), "an implicit directory is owned by who offers its content");
        assertEquals(5, at(t, "/a/b/c.txt").size());
        assertEquals(3, t.size());
    }

    @Test
    void withdrawingTheLastFileRemovesItsEmptyImplicitDirectories() {
        DfsTree t = tree("ga /a/b/c.txt 5", "ga /x 1");
        DfsTree after = t.apply(changes("ga /a/b/c.txt deleted"));
        assertEquals(List.of("/x"), paths(after));
        assertEquals(1, after.size());
        assertEquals(0, after.apply(changes("ga /x deleted")).size());
        assertTrue(after.apply(changes("ga /x deleted")).root().children().isEmpty());
    }

    @Test
    void withdrawingKeepsADirectoryThatHasAnExplicitOffer() {
        DfsTree t = tree("ga /a/", "ga /a/b/c.txt 5");
        DfsTree after = t.apply(changes("ga /a/b/c.txt deleted"));
        assertEquals(List.of("/a/"), paths(after), "/a was offered as a directory; /a/b only implied");
        assertEquals("ga", at(after, "/a").owner());
    }

    @Test
    void withdrawingKeepsADirectoryAnotherNodeOffers() {
        DfsTree t = tree("gb /shared/", "ga /shared/f 5");
        DfsTree after = t.apply(changes("ga /shared/f deleted"));
        assertEquals(List.of("/shared/"), paths(after));
        assertEquals("gb", at(after, "/shared").owner());
    }

    @Test
    void addingAndWithdrawingInOneBatchLeavesNothing() {
        DfsTree t = DfsTree.EMPTY.apply(changes("ga /a/b 1", "ga /a/b deleted"));
        assertSame(DfsTree.EMPTY, t, "nothing changed, so the very same (empty) tree comes back");
    }

    // --- "did anything change?" is an identity check ---

    @Test
    void noOpsReturnTheSameTree() {
        DfsTree t = TreeFixtures.gaGb();
        assertSame(t, t.apply(List.of()));
        assertSame(t, t.apply(TreeFixtures.gbChanges()), "the same offers again");
        assertSame(t, t.apply(changes("ga /nothing/here deleted")), "withdrawing what is not there");
        assertSame(t, t.apply(changes("gb /big1g.bin deleted")), "withdrawing an offer gb never made");
        assertSame(t, t.withoutOwner("nobody"));
        assertSame(t, t.replaceOwner("gb", TreeFixtures.gbChanges()), "a full update that changes nothing");
        assertSame(t, t.replaceOwner("ga", TreeFixtures.gaChanges()));
        assertSame(DfsTree.EMPTY, DfsTree.EMPTY.withoutOwner("ga"));
    }

    @Test
    void untouchedSubtreesAreSharedAfterAnUpdateElsewhere() {
        DfsTree t = tree("ga /a/1 1", "ga /a/2 2", "ga /b/1 1", "ga /b/c/1 1", "ga /b/d/1 1");
        DfsTree after = t.apply(changes("ga /b/c/2 2"));
        assertNotSame(t, after);
        assertSame(at(t, "/a"), at(after, "/a"), "a sibling subtree is not copied");
        assertSame(at(t, "/b/d"), at(after, "/b/d"));
        assertSame(at(t, "/b/1"), at(after, "/b/1"));
        assertSame(at(t, "/b/c/1"), at(after, "/b/c/1"));
        assertNotSame(at(t, "/b/c"), at(after, "/b/c"), "only the path to the change is rebuilt");
        assertNotSame(at(t, "/b"), at(after, "/b"));
        // The old snapshot is unaffected: readers holding it see what they saw.
        assertNull(at(t, "/b/c/2"));
    }

    @Test
    void pruningAnOwnerSharesSubtreesItHasNoOfferIn() {
        DfsTree t = tree("ga /a/1 1", "gb /b/1 1", "gb /b/c/1 1");
        DfsTree after = t.withoutOwner("ga");
        assertSame(at(t, "/b"), at(after, "/b"));
    }

    // --- several offers per path ---

    @Test
    void theMostRecentAnnouncementWinsWhateverTheOrder() {
        List<Change> older = changes("ga /f 10 @100");
        List<Change> newer = changes("gb /f 20 @200");
        DfsTree ab = DfsTree.EMPTY.apply(older).apply(newer);
        DfsTree ba = DfsTree.EMPTY.apply(newer).apply(older);
        assertEquals("gb", at(ab, "/f").owner());
        assertEquals(20, at(ab, "/f").size());
        assertEquals(dump(ab), dump(ba));
        assertEquals("ga", at(ab, "/f").offer().next().owner(), "the loser's offer is kept");
    }

    @Test
    void equalAnnouncementTimesBreakByNodeName() {
        DfsTree t1 = tree("gb /f 20 @100", "ga /f 10 @100");
        DfsTree t2 = tree("ga /f 10 @100").apply(changes("gb /f 20 @100"));
        assertEquals("ga", at(t1, "/f").owner(), "ga < gb");
        assertEquals(dump(t1), dump(t2));
    }

    @Test
    void modificationTimeDoesNotDecideTheOwner() {
        // docs/PROTOCOL.md: the more recent LastInfoUpdated wins; LastModified is not considered.
        DfsTree t = tree("ga /f 1 m=999999 @100", "gb /f 2 m=1 @200");
        assertEquals("gb", at(t, "/f").owner());
    }

    @Test
    void withdrawingTheWinnerFallsBackToTheNextOffer() {
        DfsTree t = tree("ga /f 10 @100", "gb /f 20 @200", "gc /f 30 @150");
        DfsTree after = t.apply(changes("gb /f deleted"));
        assertEquals("gc", at(after, "/f").owner());
        assertEquals(30, at(after, "/f").size());
        assertEquals("ga", at(after.apply(changes("gc /f deleted")), "/f").owner());
    }

    @Test
    void anOwnersNewOfferReplacesItsOldOneAndMayLoseItsPlace() {
        DfsTree t = tree("ga /f 10 @300", "gb /f 20 @200");
        DfsTree after = t.apply(changes("ga /f 11 @100"));
        assertEquals("gb", at(after, "/f").owner());
        Offer second = at(after, "/f").offer().next();
        assertEquals("ga", second.owner());
        assertEquals(11, second.size());
        assertNull(second.next(), "one offer per owner");
    }

    @Test
    void theLastChangeOfOneOwnerForOnePathInABatchWins() {
        DfsTree t = tree("ga /f 1 @100", "ga /f 2 @100", "ga /g 1", "ga /g deleted", "ga /h deleted", "ga /h 3");
        assertEquals(2, at(t, "/f").size());
        assertNull(at(t, "/g"));
        assertEquals(3, at(t, "/h").size());
    }

    // --- full updates and dead nodes ---

    @Test
    void replaceOwnerPrunesTheOwnersOffersMissingFromTheBatchAndKeepsOthers() {
        DfsTree t = tree("ga /x 1 @100", "ga /y 1 @100", "ga /d/z 1 @100",
                "gb /y 2 @50", "gb /d/w 2 @50");
        DfsTree after = t.replaceOwner("ga", changes("ga /x 5 @300"));
        assertEquals(List.of("/d/", "/d/w", "/x", "/y"), paths(after));
        assertEquals(5, at(after, "/x").size());
        assertEquals("gb", at(after, "/y").owner(), "gb's offer takes over ga's pruned one");
        assertNull(at(after, "/y").offer().next());
        assertEquals("gb", at(after, "/d").owner());
    }

    @Test
    void replaceOwnerWithAnEmptyBatchIsWithoutOwner() {
        DfsTree t = TreeFixtures.gaGb();
        assertEquals(dump(t.withoutOwner("ga")), dump(t.replaceOwner("ga", List.of())));
    }

    @Test
    void replaceOwnerRefusesChangesOfAnotherOwner() {
        assertThrows(IllegalArgumentException.class,
                () -> DfsTree.EMPTY.replaceOwner("ga", changes("gb /x 1")));
    }

    @Test
    void withoutOwnerRemovesItsFilesAndTheDirectoriesOnlyItFilled() {
        DfsTree t = TreeFixtures.gaGb().withoutOwner("ga");
        assertEquals(List.of("/bigb1g.bin", "/fb64m.bin", "/somedir/", "/somedir/c.jpg"), paths(t));
        assertEquals("gb", t.root().owner());
        assertEquals("gb", at(t, "/somedir").owner());
    }

    @Test
    void withoutOwnerFallsBackToTheNextOfferInADirectoryTheOwnerWinsEverywhere() {
        // /d holds only f, whose winning offer is ga's: the directory looks like ga's alone, but gb
        // offers f too and must take over when ga goes.
        DfsTree t = tree("ga /d/f 10 @200", "gb /d/f 20 @100");
        DfsTree after = t.withoutOwner("ga");
        assertEquals("gb", at(after, "/d/f").owner());
        assertEquals(20, at(after, "/d/f").size());
        assertEquals(dump(tree("gb /d/f 20 @100")), dump(after));
    }

    @Test
    void withoutOwnerAlsoRemovesOffersThatWereNotWinning() {
        // gb wins everywhere in /d; ga's losing offer must still go, or it would come back to serve
        // the file of a dead node when gb withdraws.
        DfsTree t = tree("gb /d/f 20 @200", "ga /d/f 10 @100");
        DfsTree after = t.withoutOwner("ga");
        assertEquals(dump(tree("gb /d/f 20 @200")), dump(after));
        assertEquals(0, after.apply(changes("gb /d/f deleted")).size());
    }

    @Test
    void replaceOwnerFallsBackInADirectoryTheOwnerWinsEverywhere() {
        DfsTree t = tree("ga /d/f 10 @200", "ga /d/g 1 @200", "gb /d/f 20 @100");
        DfsTree after = t.replaceOwner("ga", changes("ga /d/g 1 @200"));
        assertEquals("gb", at(after, "/d/f").owner());
        assertEquals("ga", at(after, "/d/g").owner());
    }

    // --- who owns a directory ---

    @Test
    void theCapturedTreeShowsSomedirAsMultipleAndNestedAsGa() {
        DfsTree t = TreeFixtures.gaGb();
        // listing-root.html: somedir/ ... (multiple); listing-somedir.html: nested/ ... ga, c.jpg ... gb
        assertEquals(DfsNode.MULTIPLE_OWNERS, at(t, "/somedir").owner());
        assertEquals("ga", at(t, "/somedir/nested").owner());
        assertEquals("gb", at(t, "/somedir/c.jpg").owner());
        assertEquals("ga", at(t, "/big1g.bin").owner());
        assertEquals("gb", at(t, "/bigb1g.bin").owner());
        assertEquals(DfsNode.MULTIPLE_OWNERS, t.root().owner());
        List<String> rootNames = new ArrayList<>();
        for (DfsNode n : t.root().children()) {
            rootNames.add(n.name());
        }
        assertEquals(List.of("big1g.bin", "bigb1g.bin", "f100k.bin", "f64m.bin", "fb64m.bin", "small1k.bin",
                "somedir", "test.txt"), rootNames);
        assertEquals(1073741824L, at(t, "/big1g.bin").size());
        assertEquals(TreeFixtures.CAPTURED_MTIME, at(t, "/somedir/c.jpg").lastModified());
    }

    @Test
    void aDirectoryWithContentOfOneNodeIsThatNodes() {
        DfsTree t = tree("ga /d/e/f 1", "ga /d/g 1");
        assertEquals("ga", at(t, "/d").owner());
        assertEquals("ga", t.root().owner());
    }

    @Test
    void aDirectoryIsMultipleWhenAnotherNodeOffersAnythingInIt() {
        // Even a losing offer counts: the directory's content comes from two nodes.
        DfsTree t = tree("ga /d/f 1 @200", "gb /d/f 1 @100");
        assertEquals("ga", at(t, "/d/f").owner());
        assertEquals(DfsNode.MULTIPLE_OWNERS, at(t, "/d").owner());
        assertEquals(DfsNode.MULTIPLE_OWNERS, tree("ga /d/f 1", "gb /d/").lookup(DfsPath.of("/d")).owner());
    }

    @Test
    void theEmptyTreesRootHasNoOwner() {
        assertNull(DfsTree.EMPTY.root().owner());
        assertEquals(0, DfsTree.EMPTY.size());
        assertTrue(DfsTree.EMPTY.root().isDirectory());
    }

    // --- a file and a directory at one path ---

    @Test
    void aPathWithSomethingBelowItIsADirectoryAndTurnsBackIntoAFile() {
        DfsTree t = tree("ga /x 7 @100", "gb /x/y 1 @100");
        assertTrue(at(t, "/x").isDirectory());
        assertEquals(0, at(t, "/x").size(), "a directory has no size, even with a file offer");
        assertEquals("y", at(t, "/x").children().get(0).name());
        assertEquals(dump(t), dump(tree("gb /x/y 1 @100").apply(changes("ga /x 7 @100"))));

        DfsTree after = t.apply(changes("gb /x/y deleted"));
        assertFalse(at(after, "/x").isDirectory(), "ga's file offer was kept and serves again");
        assertEquals(7, at(after, "/x").size());
        assertEquals("ga", at(after, "/x").owner());
    }

    @Test
    void aDirectoryOfferMakesAPathADirectoryEvenWhenAFileOfferWins() {
        DfsTree t = tree("ga /x 7 @200", "gb /x/ @100");
        assertTrue(at(t, "/x").isDirectory());
        assertTrue(at(t, "/x").children().isEmpty());
        assertFalse(at(t.apply(changes("gb /x deleted")), "/x").isDirectory());
    }

    // --- sizes, lookups, listings ---

    @Test
    void sizeCountsFilesAndDirectoriesButNotTheRoot() {
        DfsTree t = TreeFixtures.gaGb();
        assertEquals(10, t.size());
        assertEquals(paths(t).size(), t.size());
        assertEquals(9, t.apply(changes("ga /test.txt deleted")).size());
        assertEquals(10, t.apply(changes("gb /test.txt 1")).size(), "a second offer is not a second entry");
    }

    @Test
    void lookupFindsNodesAndNothingBelowAFile() {
        DfsTree t = TreeFixtures.gaGb();
        assertSame(t.root(), t.lookup(DfsPath.ROOT));
        assertEquals("c.jpg", at(t, "/somedir/c.jpg").name());
        assertNull(at(t, "/somedir/missing"));
        assertNull(at(t, "/test.txt/below"));
        assertNull(at(t, "/missing/deeper"));
    }

    @Test
    void childrenAreSortedAndReadOnly() {
        DfsTree t = tree("ga /b 1", "ga /a.b 1", "ga /a/x 1", "ga /B 1", "ga /ü 1");
        List<DfsNode> children = t.root().children();
        List<String> names = new ArrayList<>();
        children.forEach(n -> names.add(n.name()));
        assertEquals(List.of("B", "a", "a.b", "b", "ü"), names);
        assertThrows(UnsupportedOperationException.class, () -> children.remove(0));
        assertSame(children.get(1), t.root().child("a"));
        assertNull(t.root().child("c"));
        assertNull(at(t, "/b").child("x"));
        assertTrue(at(t, "/b").children().isEmpty());
    }

    @Test
    void aChangeNeverTargetsTheRootAndOwnsItsOffer() {
        Offer ga = Offer.of("ga", 0644, 1, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> Change.offer(DfsPath.ROOT, ga));
        assertThrows(IllegalArgumentException.class, () -> new Change(DfsPath.of("/x"), "gb", ga));
        assertTrue(Change.withdraw(DfsPath.of("/x"), "ga").isWithdrawal());
    }

    // --- walking ---

    @Test
    void theWalkerVisitsADirectoryBeforeItsContentsAndSiblingsByName() {
        DfsTree t = tree("ga /b/2 1", "ga /a.b 1", "ga /a/z/1 1", "ga /a/y 1", "ga /b/1 1", "ga /c/");
        assertEquals(List.of("/a", "/a/y", "/a/z", "/a/z/1", "/a.b", "/b", "/b/1", "/b/2", "/c"), walk(t, "/"));
    }

    @Test
    void walkingASubtreeVisitsOnlyItsContents() {
        DfsTree t = TreeFixtures.gaGb();
        assertEquals(List.of("/somedir/c.jpg", "/somedir/nested"), walk(t, "/somedir"));
        assertEquals(List.of(), walk(t, "/somedir/nested"), "an empty directory walks as nothing");
    }

    @Test
    void walkingAFileVisitsTheFileAlone() {
        TreeWalker w = TreeFixtures.gaGb().walk(DfsPath.of("/somedir/c.jpg"));
        assertTrue(w.advance());
        assertEquals("/somedir/c.jpg", w.path().toString());
        assertEquals("c.jpg", w.node().name());
        assertFalse(w.advance());
        assertFalse(w.advance(), "a finished walk stays finished");
    }

    @Test
    void walkingAMissingPathOrTheEmptyTreeVisitsNothing() {
        assertEquals(List.of(), walk(TreeFixtures.gaGb(), "/missing"));
        assertEquals(List.of(), walk(TreeFixtures.gaGb(), "/test.txt/below"));
        assertEquals(List.of(), walk(DfsTree.EMPTY, "/"));
    }

    @Test
    void theWalkerGoesDeeperThanItsInitialStack() {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            deep.append("/d").append(i);
        }
        DfsTree t = tree("ga " + deep + "/f 1", "ga /z 1");
        List<String> walked = walk(t, "/");
        assertEquals(42, walked.size());
        assertEquals(deep + "/f", walked.get(40));
        assertEquals("/z", walked.get(41));
    }

    // --- a tree built bottom-up, as a scan reads a disk ---

    private static Offer ga(int mode, long size) {
        return Offer.of("ga", mode, size, TreeFixtures.T0, TreeFixtures.T0);
    }

    private static DfsTree built() {
        return DfsTree.of(new DfsNode[] {
            DfsTree.file("a.txt", ga(0644, 3)),
            DfsTree.directory("d", ga(Offer.MODE_DIR | 0755, 0), new DfsNode[] {
                DfsTree.directory("e", ga(Offer.MODE_DIR | 0755, 0), new DfsNode[0]),
                DfsTree.file("f.bin", ga(0600, 1000)),
            }),
        });
    }

    @Test
    void aBuiltTreeIsTheTreeItsChangesMake() {
        DfsTree t = built();
        List<Change> changes = t.changes();
        assertEquals(List.of("/a.txt", "/d", "/d/e", "/d/f.bin"), changes.stream().map(c -> c.path().toString()).toList());
        assertEquals(dump(DfsTree.EMPTY.apply(changes)), dump(t));
        assertEquals(4, t.size());
        assertEquals("ga", at(t, "/d").owner());
        assertEquals(1000, at(t, "/d/f.bin").size());
        assertTrue(at(t, "/d/e").isDirectory(), "an empty directory stays one");
    }

    @Test
    void childrenOutOfOrderOrTwiceAreRefused() {
        DfsNode b = DfsTree.file("b", ga(0644, 1));
        DfsNode a = DfsTree.file("a", ga(0644, 1));
        assertThrows(IllegalArgumentException.class, () -> DfsTree.of(new DfsNode[] {b, a}));
        assertThrows(IllegalArgumentException.class, () -> DfsTree.directory("d", null, new DfsNode[] {a, a}));
    }

    @Test
    void anOwnTreeReplacesNothingInAnEmptyTreeAndIsTakenWhole() {
        DfsTree own = built();
        assertSame(own, DfsTree.EMPTY.replaceOwner("ga", own), "start-up: no merge at all");
        assertSame(DfsTree.EMPTY, DfsTree.EMPTY.replaceOwner("ga", DfsTree.EMPTY));
    }

    @Test
    void anOwnTreeMergesIntoAFullTreeAsItsChangesWould() {
        DfsTree before = tree("ga /old.txt 1", "gb /a.txt 9 @" + (TreeFixtures.T0 - 5), "gb /g/h 2");
        DfsTree own = built();
        DfsTree viaTree = before.replaceOwner("ga", own);
        DfsTree viaChanges = before.replaceOwner("ga", own.changes());
        assertEquals(dump(viaChanges), dump(viaTree));
        assertNull(at(viaTree, "/old.txt"), "what the scan did not find is withdrawn");
        assertEquals(3, at(viaTree, "/a.txt").size(), "the more recent offer wins");
        assertEquals(2, at(viaTree, "/g/h").size(), "another node's offers stay");
    }

    @Test
    void anOwnTreeWithAnotherOwnersOfferIsRefused() {
        DfsTree gbs = DfsTree.of(new DfsNode[] {DfsTree.file("x", Offer.of("gb", 0644, 1, 1, 1))});
        assertThrows(IllegalArgumentException.class, () -> DfsTree.EMPTY.replaceOwner("ga", gbs));
    }
}
