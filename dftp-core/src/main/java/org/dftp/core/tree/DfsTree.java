package org.dftp.core.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
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

    private static final Comparator<Change> BY_PATH = Comparator.comparing(Change::path);

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

    /** This tree without any offer of {@code owner}, e.g. after that node died. */
    public DfsTree withoutOwner(String owner) {
        return merge(List.of(), owner);
    }

    private DfsTree merge(Collection<Change> changes, String prune) {
        if (changes.isEmpty() && prune == null) {
            return this;
        }
        Change[] sorted = changes.toArray(new Change[0]);
        Arrays.sort(sorted, BY_PATH); // stable: for one path and owner, the last change wins
        DfsNode merged = mergeNode(root, "", sorted, 0, sorted.length, 0, prune);
        if (merged == root) {
            return this;
        }
        return merged == null ? EMPTY : new DfsTree(asRoot(merged));
    }

    private static DirNode asRoot(DfsNode node) {
        return node instanceof DirNode d ? d : new DirNode("", null, DirNode.NO_CHILDREN);
    }

    /**
     * Merges {@code changes[from, to)}, all at or below this node's path ({@code depth} segments), into
     * {@code existing} (null when the path is new), withdrawing {@code prune}'s offers not mentioned.
     */
    private static DfsNode mergeNode(DfsNode existing, String name, Change[] changes, int from, int to,
                                     int depth, String prune) {
        Offer offers = existing == null ? null : existing.offers;
        int own = from;
        boolean pruneMentioned = false;
        while (own < to && changes[own].path().depth() == depth) {
            pruneMentioned |= changes[own].owner().equals(prune);
            own++;
        }
        if (prune != null && !pruneMentioned) {
            offers = Offer.minus(offers, prune);
        }
        for (int i = from; i < own; i++) {
            Change c = changes[i];
            offers = c.isWithdrawal() ? Offer.minus(offers, c.owner()) : Offer.plus(offers, c.offer());
        }

        DfsNode[] old = existing instanceof DirNode d ? d.children : DirNode.NO_CHILDREN;
        DfsNode[] children = mergeChildren(old, changes, own, to, depth, prune);

        if (existing != null && offers == existing.offers && children == old) {
            return existing;
        }
        return make(name, offers, children);
    }

    /** The merged children array; {@code old} itself when no child changed. */
    private static DfsNode[] mergeChildren(DfsNode[] old, Change[] changes, int from, int to, int depth,
                                           String prune) {
        if (from == to && (prune == null || old.length == 0)) {
            return old;
        }
        List<DfsNode> out = null; // created on the first difference
        int i = 0;
        int j = from;
        while (i < old.length || j < to) {
            String groupName = j < to ? changes[j].path().segment(depth) : null;
            int cmp = groupName == null ? -1 : i == old.length ? 1 : old[i].name.compareTo(groupName);
            DfsNode before;
            DfsNode after;
            if (cmp < 0) {
                before = old[i++];
                after = prune(before, prune);
            } else {
                int end = j + 1;
                while (end < to && changes[end].path().segment(depth).equals(groupName)) {
                    end++;
                }
                before = cmp == 0 ? old[i++] : null;
                after = mergeNode(before, groupName, changes, j, end, depth + 1, prune);
                j = end;
            }
            if (after != before && out == null) {
                out = new ArrayList<>(old.length + (to - from));
                int copied = i - (before == null ? 0 : 1);
                out.addAll(Arrays.asList(old).subList(0, copied));
            }
            if (out != null && after != null) {
                out.add(after);
            }
        }
        return out == null ? old : out.toArray(DirNode.NO_CHILDREN);
    }

    /** {@code node} without any offer of {@code owner}; whole subtrees of one other owner are skipped. */
    private static DfsNode prune(DfsNode node, String owner) {
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
        DfsNode[] children = mergeChildren(dir.children, new Change[0], 0, 0, 0, owner);
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
