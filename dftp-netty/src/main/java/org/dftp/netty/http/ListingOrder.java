package org.dftp.netty.http;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.dftp.core.tree.DfsNode;

/**
 * How a listing is sorted, from {@code ?sort=name|size|mtime&order=asc|desc}: directories always come
 * first, as in the original; the default is by name, ascending.
 */
record ListingOrder(String key, boolean descending) {
    static final ListingOrder DEFAULT = new ListingOrder("name", false);

    /** Parses the query values (either may be null); throws IllegalArgumentException for unknown ones. */
    static ListingOrder parse(String sort, String order) {
        String key = sort == null ? "name" : sort.toLowerCase(Locale.ROOT);
        if (!key.equals("name") && !key.equals("size") && !key.equals("mtime")) {
            throw new IllegalArgumentException("sort must be name, size or mtime");
        }
        String o = order == null ? "asc" : order.toLowerCase(Locale.ROOT);
        if (!o.equals("asc") && !o.equals("desc")) {
            throw new IllegalArgumentException("order must be asc or desc");
        }
        return new ListingOrder(key, o.equals("desc"));
    }

    /**
     * The children in this order, for one listing. The default order is a view that walks the children
     * twice, directories and then files, and copies nothing: a listing in flight holds no per-row state,
     * so 64 clients of a 100,000-entry directory hold nothing of it but the tree itself (a sorted copy per
     * request was 400 KB that outlived every young collection and filled the old generation with garbage,
     * bench/RESULTS.md). Another order is sorted once per directory snapshot and shared ({@link SortedRows}).
     */
    Iterable<DfsNode> apply(DfsNode dir) {
        List<DfsNode> children = dir.children();
        if (equals(DEFAULT)) {
            return () -> new DirectoriesFirst(children);
        }
        return SortedRows.of(dir, this);
    }

    Comparator<DfsNode> comparator() {
        Comparator<DfsNode> c = switch (key) {
            case "size" -> Comparator.comparingLong(DfsNode::size);
            case "mtime" -> Comparator.comparingLong(DfsNode::lastModified);
            default -> Comparator.comparing(DfsNode::name);
        };
        if (descending) {
            c = c.reversed();
        }
        Comparator<DfsNode> dirsFirst = Comparator.comparing(n -> !n.isDirectory());
        return dirsFirst.thenComparing(c).thenComparing(DfsNode::name);
    }

    /** The children in their own (name) order, directories in a first pass and files in a second. */
    private static final class DirectoriesFirst implements Iterator<DfsNode> {
        private final List<DfsNode> children;
        private boolean files;
        private int next = -1;

        DirectoriesFirst(List<DfsNode> children) {
            this.children = children;
            advance();
        }

        private void advance() {
            next++;
            while (true) {
                if (next == children.size()) {
                    if (files) {
                        return;
                    }
                    files = true;
                    next = 0;
                    continue;
                }
                if (children.get(next).isDirectory() == files) {
                    next++;
                    continue;
                }
                return;
            }
        }

        @Override
        public boolean hasNext() {
            return next < children.size();
        }

        @Override
        public DfsNode next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            DfsNode n = children.get(next);
            advance();
            return n;
        }
    }
}
