package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.Test;

/** The rows of a listing come from the tree's own nodes: the default order copies nothing, another is sorted once. */
class ListingOrderTest {
    private static List<String> names(Iterable<DfsNode> rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(n -> out.add(n.name()));
        return out;
    }

    @Test
    void theDefaultOrderIsDirectoriesThenFilesEachByName() {
        DfsTree tree = DfsTree.EMPTY.apply(List.of(
                Trees.file("d/a.txt", "ga", 3, 1), Trees.dir("d/b", "ga", 1), Trees.file("d/c.txt", "ga", 1, 2),
                Trees.dir("d/d", "ga", 1), Trees.file("d/e.txt", "ga", 2, 3), Trees.dir("only/x", "ga", 1),
                Trees.dir("empty", "ga", 1)));
        DfsNode d = tree.lookup(DfsPath.of("/d"));
        assertEquals(List.of("b", "d", "a.txt", "c.txt", "e.txt"), names(ListingOrder.DEFAULT.apply(d)));
        assertEquals(List.of("b", "d", "a.txt", "c.txt", "e.txt"), names(ListingOrder.DEFAULT.apply(d)), "again: a fresh walk");
        assertEquals(List.of("x"), names(ListingOrder.DEFAULT.apply(tree.lookup(DfsPath.of("/only")))));
        assertEquals(List.of(), names(ListingOrder.DEFAULT.apply(tree.lookup(DfsPath.of("/empty")))));
        assertEquals(List.of("b", "d", "e.txt", "c.txt", "a.txt"), names(ListingOrder.parse("mtime", "desc").apply(d)));
        assertEquals(List.of("b", "d", "c.txt", "e.txt", "a.txt"), names(ListingOrder.parse("size", "asc").apply(d)));
    }

    @Test
    void anotherOrderOfTheSameDirectoryNodeIsSortedOnceAndShared() {
        DfsTree tree = DfsTree.EMPTY.apply(List.of(Trees.file("d/a", "ga", 2, 1), Trees.file("d/b", "ga", 1, 1)));
        DfsNode d = tree.lookup(DfsPath.of("/d"));
        ListingOrder bySize = ListingOrder.parse("size", null);
        assertSame(bySize.apply(d), ListingOrder.parse("size", "asc").apply(d));
        DfsTree changed = tree.apply(List.of(Trees.file("d/c", "ga", 0, 1)));
        assertEquals(List.of("c", "b", "a"), names(bySize.apply(changed.lookup(DfsPath.of("/d")))), "a new node, sorted anew");
    }
}
