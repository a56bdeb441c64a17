package org.dftp.netty.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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

    /** The children in this order; the default needs no comparison, only a pass for directories and one for files. */
    List<DfsNode> apply(List<DfsNode> children) {
        if (equals(DEFAULT)) {
            List<DfsNode> out = new ArrayList<>(children.size());
            for (DfsNode n : children) {
                if (n.isDirectory()) {
                    out.add(n);
                }
            }
            for (DfsNode n : children) {
                if (!n.isDirectory()) {
                    out.add(n);
                }
            }
            return out;
        }
        Comparator<DfsNode> c = switch (key) {
            case "size" -> Comparator.comparingLong(DfsNode::size);
            case "mtime" -> Comparator.comparingLong(DfsNode::lastModified);
            default -> Comparator.comparing(DfsNode::name);
        };
        if (descending) {
            c = c.reversed();
        }
        Comparator<DfsNode> dirsFirst = Comparator.comparing(n -> !n.isDirectory());
        List<DfsNode> out = new ArrayList<>(children);
        out.sort(dirsFirst.thenComparing(c).thenComparing(DfsNode::name));
        return out;
    }
}
