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
        int count = children.length;
        for (DfsNode c : children) {
            if (c instanceof DirNode d) {
                count += d.entryCount;
            }
        }
        this.entryCount = count;
    }

    private static String summarizeOwner(Offer offers, DfsNode[] children) {
        String owner = null;
        for (Offer o = offers; o != null; o = o.next()) {
            owner = merge(owner, o.owner());
        }
        for (DfsNode c : children) {
            owner = merge(owner, c.owner());
        }
        return owner;
    }

    private static String merge(String a, String b) {
        if (a == null || a.equals(b)) {
            return b;
        }
        return b == null ? a : MULTIPLE_OWNERS;
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

    /** {@inheritDoc} Null for an empty directory nobody offers (only the empty root). */
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
