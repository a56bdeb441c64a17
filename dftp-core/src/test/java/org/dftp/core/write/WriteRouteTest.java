package org.dftp.core.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.junit.jupiter.api.Test;

/** Every node routes a write to the same owner. */
class WriteRouteTest {
    private static final int DIR = Offer.MODE_DIR | 0755;

    private static Change dir(String path, String owner, long updated) {
        return Change.offer(DfsPath.of(path), Offer.of(owner, DIR, 0, 1, updated));
    }

    private static Change file(String path, String owner, long updated) {
        return Change.offer(DfsPath.of(path), Offer.of(owner, 0644, 3, 1, updated));
    }

    private final DfsTree tree = DfsTree.EMPTY.apply(List.of(
            dir("shared", "a", 10), dir("shared", "b", 20),
            file("shared/x.txt", "b", 20),
            dir("onlyA", "a", 10), file("onlyA/f.txt", "a", 10)));

    private static WriteRoute.Decision route(DfsTree t, String path, String self) {
        return WriteRoute.of(t, DfsPath.of(path), self, DfsPath.ROOT);
    }

    @Test
    void anExistingFileGoesToItsOwner() {
        assertEquals(new WriteRoute.Remote("b"), route(tree, "shared/x.txt", "a"));
        assertEquals(new WriteRoute.Local(), route(tree, "shared/x.txt", "b"));
    }

    @Test
    void aNewFileGoesToTheHolderOfItsDeepestExistingDirectory() {
        assertEquals(new WriteRoute.Remote("a"), route(tree, "onlyA/new/deeper.txt", "c"));
        assertEquals(new WriteRoute.Local(), route(tree, "onlyA/new.txt", "a"));
    }

    @Test
    void aSharedDirectoryStaysLocalWhereHeldAndGoesToTheWinnerElsewhere() {
        assertEquals(new WriteRoute.Local(), route(tree, "shared/new.txt", "a"));
        assertEquals(new WriteRoute.Local(), route(tree, "shared/new.txt", "b"));
        assertEquals(new WriteRoute.Remote("b"), route(tree, "shared/new.txt", "c"), "the latest offer wins");
    }

    @Test
    void belowAFileIsAConflictAndTheRootNeedsAMount() {
        WriteRoute.Refused r = assertInstanceOf(WriteRoute.Refused.class, route(tree, "onlyA/f.txt/x", "a"));
        assertEquals(WriteException.Kind.CONFLICT, r.why().kind());
        assertEquals(new WriteRoute.Local(), route(tree, "top.txt", "a"));
        r = assertInstanceOf(WriteRoute.Refused.class, WriteRoute.of(tree, DfsPath.of("top.txt"), "a", DfsPath.of("m")));
        assertEquals(WriteException.Kind.FORBIDDEN, r.why().kind());
        r = assertInstanceOf(WriteRoute.Refused.class, WriteRoute.of(tree, DfsPath.of("top.txt"), "a", null));
        assertEquals(WriteException.Kind.FORBIDDEN, r.why().kind());
    }

    @Test
    void aDirectoryImpliedByAFileSettledBeforeItsOwnOfferStaysLocalUnderTheMount() {
        // A concurrent upload's file reached the tree before the MKCOL of its directory did: the directory is
        // there with no offer of its own for a moment. Found racing rclone's parallel transfers.
        DfsTree t = DfsTree.EMPTY.apply(List.of(file("dst/plain.txt", "a", 10)));
        assertEquals(null, t.lookup(DfsPath.of("dst")).offer());
        assertEquals(new WriteRoute.Local(), route(t, "dst/other.txt", "a"));
        WriteRoute.Refused r = assertInstanceOf(WriteRoute.Refused.class,
                WriteRoute.of(t, DfsPath.of("dst/other.txt"), "a", DfsPath.of("elsewhere")));
        assertEquals(WriteException.Kind.FORBIDDEN, r.why().kind(), "not under our mount: nobody's");
    }
}
