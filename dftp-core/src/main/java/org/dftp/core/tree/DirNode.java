package org.dftp.core.tree;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * A directory: its own offers (possibly none) and its children sorted by name, so that listings come
 * out sorted and lookups are binary searches. The owner summary is computed once when the directory
 * is built, since only the path from the root to a change is ever rebuilt.
 */
final class DirNode extends DfsNode {
    static final DfsNode[] NO_CHILDREN = new DfsNode[0];

    final DfsNode[] children;
    private final String owner;
    private final int entryCount;

    DirNode(String name, Offer offers, DfsNode[] children) {
        super(name, offers);
        this.children = children;
        this.owner = summarizeOwner(offers, children);
        int count = 0;
        for (DfsNode c : children) {
            count += entries(c);
        }
        this.entryCount = count;
    }

    /**
     * A directory whose summary and count the caller derived from the directory it replaces and the
     * children that changed (see {@code DfsTree.Merge}): one upload into a directory of 100,000 files
     * then costs the changed children, not a look at every one.
     */
    DirNode(String name, Offer offers, DfsNode[] children, String owner, int entryCount) {
        super(name, offers);
        this.children = children;
        this.owner = owner;
        this.entryCount = entryCount;
    }

    /** The entries a child stands for in its parent's count: itself and, for a directory, all below it. */
    static int entries(DfsNode child) {
        return child == null ? 0 : child instanceof DirNode d ? 1 + d.entryCount : 1;
    }

    /** What a child adds to its parent's owner summary: every node that offers it or anything below it. */
    static String summaryOf(DfsNode child) {
        return child instanceof DirNode d ? d.owner : offerOwners(null, child.offers);
    }

    /**
     * The one node that offers anything in this directory (itself included), or
     * {@link #MULTIPLE_OWNERS}. Every offer counts, not only the winning ones: a subtree whose
     * summary is one node holds offers of that node alone, which is what lets a prune drop or skip
     * it whole (see {@code DfsTree.prune}) without losing a fallback offer or keeping a stale one.
     */
    private static String summarizeOwner(Offer offers, DfsNode[] children) {
        String owner = offerOwners(null, offers);
        for (DfsNode c : children) {
            if (owner == MULTIPLE_OWNERS) {
                break;
            }
            owner = c instanceof DirNode d ? merge(owner, d.owner) : offerOwners(owner, c.offers);
        }
        return owner;
    }

    private static String offerOwners(String owner, Offer offers) {
        for (Offer o = offers; o != null && owner != MULTIPLE_OWNERS; o = o.next()) {
            owner = merge(owner, o.owner());
        }
        return owner;
    }

    static String merge(String a, String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        // Identity first: MULTIPLE_OWNERS must stay that very instance, never an equal node name.
        return a == b || (a != MULTIPLE_OWNERS && b != MULTIPLE_OWNERS && a.equals(b)) ? a : MULTIPLE_OWNERS;
    }

    /** Entries below this directory, at any depth. */
    int entryCount() {
        return entryCount;
    }

    @Override
    public boolean isDirectory() {
        return true;
    }

    @Override
    public List<DfsNode> children() {
        return new ChildList(children);
    }

    @Override
    public DfsNode child(String name) {
        int i = indexOf(children, name);
        return i >= 0 ? children[i] : null;
    }

    /**
     * The one node that offers this directory or anything below it, or {@link #MULTIPLE_OWNERS}
     * when several do (a losing offer counts too); null for an empty directory nobody offers (only
     * the empty root).
     */
    @Override
    public String owner() {
        return owner;
    }

    static int indexOf(DfsNode[] children, String name) {
        int lo = 0;
        int hi = children.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = children[mid].name.compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** A read-only view: the array is never copied for a listing and never escapes. */
    private static final class ChildList extends AbstractList<DfsNode> implements RandomAccess {
        private final DfsNode[] children;

        ChildList(DfsNode[] children) {
            this.children = children;
        }

        @Override
        public DfsNode get(int index) {
            return children[index];
        }

        @Override
        public int size() {
            return children.length;
        }

        @Override
        public Object[] toArray() {
            return Arrays.copyOf(children, children.length);
        }
    }
}
