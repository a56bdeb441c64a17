package org.dftp.core.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dftp.core.DfsPath;

/**
 * The whole DFS as one immutable persistent tree.
 *
 * <p>Each directory keeps its children in a name-sorted array. Applying a batch of changes rebuilds
 * only the directories on the way from the root to what changed, and each of those once per batch,
 * however many of the batch's changes fall into it; every untouched subtree is shared with the
 * previous tree. An operation that changes nothing returns {@code this}, so "did anything change?" is
 * an identity check. Readers need no lock: a snapshot stays consistent for as long as it is held.
 */
public final class DfsTree {
    public static final DfsTree EMPTY = new DfsTree(new DirNode("", null, DirNode.NO_CHILDREN));

    private final DirNode root;

    private DfsTree(DirNode root) {
        this.root = root;
    }

    public DfsNode root() {
        return root;
    }

    /** Entries in the tree (files and directories), the root not counted. */
    public int size() {
        return root.entryCount();
    }

    /** The node at {@code path}, or null. */
    public DfsNode lookup(DfsPath path) {
        DfsNode node = root;
        for (int i = 0; i < path.depth() && node != null; i++) {
            node = node.child(path.segment(i));
        }
        return node;
    }

    /** This tree with the changes applied in order; {@code this} when none changes anything. */
    public DfsTree apply(Collection<Change> changes) {
        return merge(changes, null);
    }

    /**
     * This tree with every offer of {@code owner} replaced by those in {@code changes}: what a full
     * update or a full rescan means. Offers of the owner that the changes do not mention are withdrawn.
     */
    public DfsTree replaceOwner(String owner, Collection<Change> changes) {
        for (Change c : changes) {
            if (!c.owner().equals(owner)) {
                throw new IllegalArgumentException("change of " + c.owner() + " in a full update of " + owner);
            }
        }
        return merge(changes, owner);
    }

    /**
     * This tree with every offer of {@code owner} replaced by those of {@code own}, a tree of that owner's
     * offers alone (a full local scan, built with {@link #file} and {@link #directory}). Into an empty tree
     * (a node's start-up) that is {@code own} itself, with no merge at all; otherwise its offers are
     * merged as {@link #replaceOwner(String, Collection)} does.
     */
    public DfsTree replaceOwner(String owner, DfsTree own) {
        String offeredBy = own.root.owner();
        if (offeredBy != null && !offeredBy.equals(owner)) {
            throw new IllegalArgumentException("offers of " + offeredBy + " in a full update of " + owner);
        }
        if (root.offers == null && root.children.length == 0) {
            return own.root.children.length == 0 ? this : own;
        }
        return replaceOwner(owner, own.changes());
    }

    /** Every offer in this tree as a change, in path order: a parent before its children, siblings by name. */
    public List<Change> changes() {
        List<Change> out = new ArrayList<>(size());
        addChanges(root, DfsPath.ROOT, out);
        return out;
    }

    private static void addChanges(DirNode dir, DfsPath path, List<Change> out) {
        for (DfsNode child : dir.children) {
            DfsPath p = path.child(child.name);
            for (Offer o = child.offers; o != null; o = o.next()) {
                // A change carries one offer, not the rest of the chain.
                Offer one = o.next() == null ? o : Offer.of(o.owner(), o.mode(), o.size(), o.lastModified(), o.infoUpdated());
                out.add(Change.offer(p, one));
            }
            if (child instanceof DirNode d) {
                addChanges(d, p, out);
            }
        }
    }

    /** A file with one offer, for a tree built bottom-up by {@link #directory} (as a scan reads a disk). */
    public static DfsNode file(String name, Offer offer) {
        return new FileNode(name, Objects.requireNonNull(offer, "offer"));
    }

    /**
     * A directory with one offer (or none) and these children, which must be in strictly increasing name
     * order, as a sorted listing gives them: the array is taken as it is, not copied or sorted.
     */
    public static DfsNode directory(String name, Offer offer, DfsNode[] children) {
        checkOrder(children);
        return new DirNode(name, offer, children.length == 0 ? DirNode.NO_CHILDREN : children);
    }

    /** The tree whose root holds these children (see {@link #directory}). */
    public static DfsTree of(DfsNode[] children) {
        checkOrder(children);
        return children.length == 0 ? EMPTY : new DfsTree(new DirNode("", null, children));
    }

    private static void checkOrder(DfsNode[] children) {
        for (int i = 1; i < children.length; i++) {
            if (children[i - 1].name.compareTo(children[i].name) >= 0) {
                throw new IllegalArgumentException("children out of order: " + children[i - 1].name + ", "
                        + children[i].name);
            }
        }
    }

    /** This tree without any offer of {@code owner}, e.g. after that node died. */
    public DfsTree withoutOwner(String owner) {
        return merge(List.of(), owner);
    }

    private DfsTree merge(Collection<Change> changes, String prune) {
        if (changes.isEmpty() && prune == null) {
            return this;
        }
        Change[] batch = changes.toArray(new Change[0]); // reordered in place by the merge
        DfsNode merged = new Merge(batch, prune).node(root, "", 0, batch.length, 0);
        if (merged == root) {
            return this;
        }
        return merged == null ? EMPTY : new DfsTree(asRoot(merged));
    }

    private static DirNode asRoot(DfsNode node) {
        return node instanceof DirNode d ? d : new DirNode("", null, DirNode.NO_CHILDREN);
    }

    /**
     * One batch being merged into a tree, top-down. The batch is not sorted as a whole: at each
     * directory, its range of the batch is grouped by the next path segment (an MSD radix sort with
     * hashed buckets), so a shuffled batch of half a million changes costs a few hash lookups per
     * change instead of a comparison sort over scattered objects, and a batch already in path order
     * is only checked. Grouping is stable: for one path and owner, the last change of the batch wins.
     */
    private static final class Merge {
        /** Below this many changes a range is grouped with a comparison sort, above it by hashing. */
        private static final int HASH_GROUPING = 64;

        private final Change[] changes;
        private final String prune;
        private Change[] scratch;
        /** The number of groups (or a bound) the last {@link #group} call made. */
        private int groupCount;

        Merge(Change[] changes, String prune) {
            this.changes = changes;
            this.prune = prune;
        }

        /**
         * Merges {@code changes[from, to)}, all at or below this node's path ({@code depth} segments), into
         * {@code existing} (null when the path is new), withdrawing {@code prune}'s offers not mentioned.
         */
        DfsNode node(DfsNode existing, String name, int from, int to, int depth) {
            int own = group(from, to, depth);
            int groups = groupCount;
            Offer offers = existing == null ? null : existing.offers;
            boolean pruneMentioned = false;
            for (int i = from; i < own; i++) {
                pruneMentioned |= changes[i].owner().equals(prune);
            }
            if (prune != null && !pruneMentioned) {
                offers = Offer.minus(offers, prune);
            }
            for (int i = from; i < own; i++) {
                Change c = changes[i];
                offers = c.isWithdrawal() ? Offer.minus(offers, c.owner()) : Offer.plus(offers, c.offer());
            }

            DfsNode[] old = existing instanceof DirNode d ? d.children : DirNode.NO_CHILDREN;
            DfsNode[] children = children(old, own, to, depth, groups);

            if (existing != null && offers == existing.offers && children == old) {
                return existing;
            }
            return make(name, offers, children);
        }

        /**
         * The merged children array; {@code old} itself when no child changed. {@code changes[from, to)}
         * lie below the children and are grouped by their segment {@code depth} in name order, in at
         * most {@code groups} groups.
         */
        DfsNode[] children(DfsNode[] old, int from, int to, int depth, int groups) {
            if (from == to && (prune == null || old.length == 0)) {
                return old;
            }
            DfsNode[] out = null; // created on the first difference
            int n = 0;
            int i = 0;
            int j = from;
            while (i < old.length || j < to) {
                String groupName = j < to ? changes[j].path().segment(depth) : null;
                int cmp = groupName == null ? -1 : i == old.length ? 1 : old[i].name.compareTo(groupName);
                DfsNode before;
                DfsNode after;
                if (cmp < 0) {
                    before = old[i++];
                    after = prune(before, prune, this);
                } else {
                    int end = j + 1;
                    while (end < to && changes[end].path().segment(depth).equals(groupName)) {
                        end++;
                    }
                    before = cmp == 0 ? old[i++] : null;
                    after = node(before, groupName, j, end, depth + 1);
                    j = end;
                }
                if (after != before && out == null) {
                    out = new DfsNode[old.length + groups]; // every old child and one per group, at most
                    n = i - (before == null ? 0 : 1);
                    System.arraycopy(old, 0, out, 0, n);
                }
                if (out != null && after != null) {
                    out[n++] = after;
                }
            }
            return out == null ? old : Arrays.copyOf(out, n);
        }

        /**
         * Reorders {@code changes[from, to)}, all at or below a path of {@code depth} segments, so that
         * the changes of that path itself come first and the others follow grouped by their segment
         * {@code depth} in name order, each group in batch order. Returns the end of the first part.
         */
        private int group(int from, int to, int depth) {
            int own = from;
            int groups = 0;
            boolean ordered = true;
            String previous = null;
            for (int i = from; i < to; i++) {
                DfsPath p = changes[i].path();
                if (p.depth() == depth) {
                    ordered &= own == i;
                    own++;
                } else {
                    String segment = p.segment(depth);
                    int cmp = previous == null ? 1 : segment.compareTo(previous);
                    ordered &= cmp >= 0;
                    groups += cmp != 0 ? 1 : 0;
                    previous = segment;
                }
            }
            if (ordered) {
                groupCount = groups;
                return own; // a batch in path order (a sorted scan) is only checked, level by level
            }
            if (to - from <= HASH_GROUPING) {
                Arrays.sort(changes, from, to, (a, b) -> {
                    boolean ownA = a.path().depth() == depth;
                    boolean ownB = b.path().depth() == depth;
                    if (ownA || ownB) {
                        return Boolean.compare(ownB, ownA);
                    }
                    return a.path().segment(depth).compareTo(b.path().segment(depth));
                }); // TimSort is stable
                groupCount = to - own; // a bound is enough
                return own;
            }
            // A stable counting sort into buckets: bucket 0 for the path's own changes, then one per
            // distinct segment in name order.
            Map<String, Integer> ids = new HashMap<>();
            List<String> names = new ArrayList<>();
            int[] id = new int[to - from];
            for (int i = from; i < to; i++) {
                DfsPath p = changes[i].path();
                if (p.depth() == depth) {
                    id[i - from] = -1;
                } else {
                    String segment = p.segment(depth);
                    Integer known = ids.get(segment); // boxes once per distinct segment, not per change
                    if (known == null) {
                        known = names.size();
                        ids.put(segment, known);
                        names.add(segment);
                    }
                    id[i - from] = known;
                }
            }
            String[] sorted = names.toArray(new String[0]);
            Arrays.sort(sorted);
            int[] bucketOf = new int[sorted.length];
            for (int r = 0; r < sorted.length; r++) {
                bucketOf[ids.get(sorted[r])] = r + 1;
            }
            int[] next = new int[sorted.length + 2]; // then: next[b] is where bucket b's next change goes
            for (int v : id) {
                next[(v < 0 ? 0 : bucketOf[v]) + 1]++;
            }
            for (int b = 1; b < next.length; b++) {
                next[b] += next[b - 1];
            }
            if (scratch == null) {
                scratch = new Change[changes.length];
            }
            for (int i = from; i < to; i++) {
                int v = id[i - from];
                scratch[from + next[v < 0 ? 0 : bucketOf[v]]++] = changes[i];
            }
            System.arraycopy(scratch, from, changes, from, to - from);
            groupCount = sorted.length;
            return own;
        }
    }

    /** {@code node} without any offer of {@code owner}; whole subtrees of one other owner are skipped. */
    private static DfsNode prune(DfsNode node, String owner, Merge merge) {
        if (owner == null) {
            return node;
        }
        if (node instanceof FileNode f) {
            Offer left = Offer.minus(f.offers, owner);
            return left == f.offers ? f : left == null ? null : new FileNode(f.name, left);
        }
        DirNode dir = (DirNode) node;
        String summary = dir.owner();
        if (summary != null && summary != DfsNode.MULTIPLE_OWNERS) {
            return summary.equals(owner) ? null : dir; // all of it, or none of it
        }
        Offer offers = Offer.minus(dir.offers, owner);
        DfsNode[] children = merge.children(dir.children, 0, 0, 0, 0);
        return offers == dir.offers && children == dir.children ? dir : make(dir.name, offers, children);
    }

    /** A node for what is left: null when nothing, a directory when anything says so, else a file. */
    private static DfsNode make(String name, Offer offers, DfsNode[] children) {
        if (children.length > 0) {
            return new DirNode(name, offers, children);
        }
        if (offers == null) {
            return null;
        }
        for (Offer o = offers; o != null; o = o.next()) {
            if (o.isDirectory()) {
                return new DirNode(name, offers, children);
            }
        }
        return new FileNode(name, offers);
    }

    /** Walks the subtree at {@code from} depth-first, a directory before its contents, children by name. */
    public TreeWalker walk(DfsPath from) {
        return new TreeWalker(lookup(from), from);
    }
}
