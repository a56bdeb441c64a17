package org.dftp.netty.http;

import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.dftp.core.tree.DfsNode;

/**
 * The children of a recently listed directory sorted in an order other than the default, shared by every
 * listing of that directory node: a tree's nodes are immutable and an untouched directory is the same
 * node in the next tree, so 64 clients sorting a 100,000-entry directory by size share one 400 KB array
 * instead of holding one each for as long as their listing takes to send. A few entries only, the oldest
 * dropped first; the directory itself is held weakly, so a replaced one goes once its listings are sent.
 */
final class SortedRows {
    private static final int SLOTS = 8;

    private record Entry(WeakReference<DfsNode> dir, ListingOrder order, List<DfsNode> rows) {
    }

    /** Most recent first; guarded by itself. */
    private static final Entry[] RECENT = new Entry[SLOTS];

    private SortedRows() {
    }

    static List<DfsNode> of(DfsNode dir, ListingOrder order) {
        List<DfsNode> hit = lookup(dir, order);
        if (hit != null) {
            return hit;
        }
        DfsNode[] sorted = dir.children().toArray(new DfsNode[0]);
        Arrays.sort(sorted, order.comparator());
        List<DfsNode> rows = Collections.unmodifiableList(Arrays.asList(sorted));
        synchronized (RECENT) {
            System.arraycopy(RECENT, 0, RECENT, 1, SLOTS - 1);
            RECENT[0] = new Entry(new WeakReference<>(dir), order, rows);
        }
        return rows;
    }

    private static List<DfsNode> lookup(DfsNode dir, ListingOrder order) {
        synchronized (RECENT) {
            for (Entry e : RECENT) {
                if (e != null && e.dir().get() == dir && e.order().equals(order)) {
                    return e.rows();
                }
            }
            return null;
        }
    }
}
