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
        return merge(changes, null, null);
    }

    /**
     * {@link #apply(Collection)} on the tree of node {@code local}, where a file of {@code local}'s own
     * outranks the rest of the cluster's claims to its path's shape: a path at which {@code local} offers a
     * file stays a file. Other owners' offers below it, and their offers of it as a directory, are dropped,
     * so that no peer turns a file this node serves into a directory or hides it behind one. (Another
     * owner's file offer of the same path still competes by {@link Offer#precedes}.) Without the rule a
     * peer announcing {@code f.txt/child} would make this node's own {@code f.txt} a directory.
     */
    public DfsTree apply(Collection<Change> changes, String local) {
        return merge(changes, null, local);
    }

    /**
     * This tree with every offer of {@code owner} replaced by those in {@code changes}: what a full
     * update or a full rescan means. Offers of the owner that the changes do not mention are withdrawn.
     */
    public DfsTree replaceOwner(String owner, Collection<Change> changes) {
        return replaceOwner(owner, changes, null);
    }

    /** {@link #replaceOwner(String, Collection)} on the tree of node {@code local} (see {@link #apply(Collection, String)}). */
    public DfsTree replaceOwner(String owner, Collection<Change> changes, String local) {
        for (Change c : changes) {
            if (!c.owner().equals(owner)) {
                throw new IllegalArgumentException("change of " + c.owner() + " in a full update of " + owner);
            }
        }
        return merge(changes, owner, local);
    }

    /**
     * This tree with every offer of {@code owner} replaced by those of {@code own}, a tree of that owner's
     * offers alone (a full local scan, or a peer's full update, built with {@link Builder} or {@link #file}
     * and {@link #directory}). Into an empty tree (a node's start-up) that is {@code own} itself, with no
     * merge at all; otherwise the two trees are merged directory by directory, and a subtree of
     * {@code own} that the tree does not have is taken whole. The result equals
     * {@link #replaceOwner(String, Collection) replaceOwner(owner, own.changes())}.
     */
    public DfsTree replaceOwner(String owner, DfsTree own) {
        return replaceOwner(owner, own, null);
    }

    /** {@link #replaceOwner(String, DfsTree)} on the tree of node {@code local} (see {@link #apply(Collection, String)}). */
    public DfsTree replaceOwner(String owner, DfsTree own, String local) {
        String offeredBy = own.root.owner();
        if (offeredBy != null && !offeredBy.equals(owner)) {
            throw new IllegalArgumentException("offers of " + offeredBy + " in a full update of " + owner);
        }
        if (root.offers == null && root.children.length == 0) {
            return own.root.children.length == 0 ? this : own;
        }
        DfsNode merged = replace(root, own.root, owner, new Merge(new Change[0], owner, local));
        if (merged == root) {
            return this;
        }
        return merged == null ? EMPTY : new DfsTree(asRoot(merged));
    }

    /**
     * {@code old} with {@code owner}'s offers replaced by those of {@code own}, the same path in a tree of
     * {@code owner}'s offers alone. The children are merged by name: a subtree only {@code own} has is taken
     * as it is, one only {@code old} has loses {@code owner}'s offers, one both have is merged again. An
     * unchanged node is returned as it was.
     */
    private static DfsNode replace(DfsNode old, DfsNode own, String owner, Merge pruner) {
        Offer offers = own.offers == null ? Offer.minus(old.offers, owner) : Offer.plus(old.offers, own.offers);
        DfsNode[] before = old instanceof DirNode d ? d.children : DirNode.NO_CHILDREN;
        DfsNode[] mine = own instanceof DirNode d ? d.children : DirNode.NO_CHILDREN;
        DfsNode[] out = null; // created on the first difference
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < before.length || j < mine.length) {
            int cmp = i == before.length ? 1 : j == mine.length ? -1 : before[i].name.compareTo(mine[j].name);
            DfsNode was = cmp <= 0 ? before[i++] : null;
            DfsNode now = cmp < 0 ? prune(was, owner, pruner) : cmp > 0 ? mine[j++] : replace(was, mine[j++], owner, pruner);
            if (now != was && out == null) {
                out = new DfsNode[before.length + mine.length];
                n = i - (was == null ? 0 : 1);
                System.arraycopy(before, 0, out, 0, n);
            }
            if (out != null && now != null) {
                out[n++] = now;
            }
        }
        DfsNode[] children = out == null ? before : Arrays.copyOf(out, n);
        if (offers == old.offers && (children == before || old instanceof FileNode && keepsFile(offers, pruner.local))) {
            return old;
        }
        return make(old.name, offers, children, pruner.local);
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

    /**
     * Builds a tree of one owner's offers from entries in path order (a directory before what lies in it,
     * siblings by name), as this project's nodes write a full update: each directory is built once, when
     * the entries leave it, with no sort and no merge. Directories without an entry of their own are made
     * as their first entry needs them. An entry out of that order makes {@link #add} answer false; the
     * builder is then spent and the caller merges the entries as changes instead.
     *
     * <pre>{@code
     * DfsTree.Builder b = new DfsTree.Builder();
     * boolean ordered = b.add(DfsPath.of("/d"), dirOffer) && b.add(DfsPath.of("/d/f"), fileOffer);
     * DfsTree tree = ordered ? b.build() : DfsTree.EMPTY.apply(changes);
     * }</pre>
     */
    public static final class Builder {
        /** A directory still receiving entries: its name and offer, its children so far, the last name entered. */
        private static final class Open {
            final String name;
            final Offer offer;
            final List<DfsNode> children = new ArrayList<>();
            String last;

            Open(String name, Offer offer) {
                this.name = name;
                this.offer = offer;
            }
        }

        /** The root, then the open directories from the top down. */
        private final List<Open> open = new ArrayList<>(List.of(new Open("", null)));
        private boolean spent;

        /** Adds an entry; false (and the builder spent) when it is out of path order, or the root. */
        public boolean add(DfsPath path, Offer offer) {
            return path.isRoot() ? spent() : add(path.parent(), path.name(), offer);
        }

        /** Adds the entry {@code name} in {@code parent}, a path already checked ({@link DfsPath#checkChild}). */
        public boolean add(DfsPath parent, String name, Offer offer) {
            if (spent) {
                return false;
            }
            int k = 0; // open directories that are also the entry's ancestors
            while (k + 1 < open.size() && k < parent.depth() && open.get(k + 1).name.equals(parent.segment(k))) {
                k++;
            }
            while (open.size() > k + 1) {
                close();
            }
            for (int s = k; s < parent.depth(); s++) {
                String segment = parent.segment(s);
                List<DfsNode> kids = innermost().children;
                if (!kids.isEmpty() && kids.get(kids.size() - 1) instanceof FileNode f && f.name.equals(segment)) {
                    // A file with something below it: a directory that keeps the file's offer, as a merge
                    // makes it (a path is a directory when anything lies below it).
                    kids.remove(kids.size() - 1);
                    open.add(new Open(segment, f.offers));
                    continue;
                }
                if (!enter(segment)) {
                    return spent();
                }
                open.add(new Open(segment, null));
            }
            if (!enter(name)) {
                return spent();
            }
            if (offer.isDirectory()) {
                open.add(new Open(name, offer));
            } else {
                innermost().children.add(new FileNode(name, offer));
            }
            return true;
        }

        /** The tree of everything added; only while {@link #add} never answered false. */
        public DfsTree build() {
            if (spent) {
                throw new IllegalStateException("entries came out of path order");
            }
            while (open.size() > 1) {
                close();
            }
            spent = true;
            List<DfsNode> rootChildren = innermost().children;
            return rootChildren.isEmpty() ? EMPTY
                    : new DfsTree(new DirNode("", null, rootChildren.toArray(DirNode.NO_CHILDREN)));
        }

        private boolean spent() {
            spent = true;
            return false;
        }

        private Open innermost() {
            return open.get(open.size() - 1);
        }

        /** Whether {@code name} may come next in the innermost open directory; if so it is noted there. */
        private boolean enter(String name) {
            Open dir = innermost();
            if (dir.last != null && dir.last.compareTo(name) >= 0) {
                return false;
            }
            dir.last = name;
            return true;
        }

        private void close() {
            Open dir = open.remove(open.size() - 1);
            DfsNode[] kids = dir.children.isEmpty() ? DirNode.NO_CHILDREN : dir.children.toArray(DirNode.NO_CHILDREN);
            innermost().children.add(new DirNode(dir.name, dir.offer, kids));
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
        return merge(List.of(), owner, null);
    }

    private DfsTree merge(Collection<Change> changes, String prune, String local) {
        if (changes.isEmpty() && prune == null) {
            return this;
        }
        Change[] batch = changes.toArray(new Change[0]); // reordered in place by the merge
        DfsNode merged = new Merge(batch, prune, local).node(root, "", 0, batch.length, 0);
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
        /** The node whose own files keep their paths files (see {@link DfsTree#apply(Collection, String)}), or null. */
        private final String local;
        private Change[] scratch;
        /** The number of groups (or a bound) the last {@link #group} call made. */
        private int groupCount;
        /** What the last {@link #children} call changed: see {@link ChildChanges}. */
        private ChildChanges changed = ChildChanges.NONE;

        Merge(Change[] changes, String prune, String local) {
            this.changes = changes;
            this.prune = prune;
            this.local = local;
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

            if (existing != null && offers == existing.offers
                    && (children == old || existing instanceof FileNode && keepsFile(offers, local))) {
                return existing; // unchanged, or a local file that stays as it was
            }
            if (existing instanceof DirNode d && offers == d.offers && children != old && children.length > 0
                    && !keepsFile(offers, local)) {
                // What children() just changed at this level (its recursive calls set it too, before it returned).
                String owner = changed.ownerAfter(d.owner());
                if (owner != null) {
                    return new DirNode(name, offers, children, owner, d.entryCount() + changed.entryDelta);
                }
            }
            return make(name, offers, children, local);
        }

        /**
         * What one {@link #children} call changed among a directory's children, so that the new directory's
         * entry count and owner summary follow from the old one's without a look at every child.
         */
        private static final class ChildChanges {
            /** No child changed; never added to. */
            static final ChildChanges NONE = new ChildChanges();

            int entryDelta;
            /** No changed child replaced or removed one that was there. */
            boolean additionsOnly = true;
            /** A child that was there is gone. */
            boolean removals;
            /** The summary of the changed children as they are now (null when none is left). */
            String owner;

            void add(DfsNode before, DfsNode after) {
                entryDelta += DirNode.entries(after) - DirNode.entries(before);
                additionsOnly &= before == null;
                removals |= after == null;
                if (after != null) {
                    owner = DirNode.merge(owner, DirNode.summaryOf(after));
                }
            }

            /**
             * The summary of a directory that was {@code before} with these changes, or null when it cannot
             * be told without a look at every child: a summary only grows by additions, and one owner stays
             * itself when every changed child is that owner's alone; a removal may shrink it.
             */
            String ownerAfter(String before) {
                if (additionsOnly) {
                    return DirNode.merge(before, owner);
                }
                boolean single = before != null && before != DfsNode.MULTIPLE_OWNERS;
                return !removals && single && owner != DfsNode.MULTIPLE_OWNERS && before.equals(owner) ? before : null;
            }
        }

        /**
         * The merged children array; {@code old} itself when no child changed. {@code changes[from, to)}
         * lie below the children and are grouped by their segment {@code depth} in name order, in at
         * most {@code groups} groups.
         */
        DfsNode[] children(DfsNode[] old, int from, int to, int depth, int groups) {
            if (from == to && (prune == null || old.length == 0)) {
                changed = ChildChanges.NONE;
                return old;
            }
            // Its own object: the recursive calls below set `changed` too.
            ChildChanges delta = new ChildChanges();
            DfsNode[] out = null; // created on the first difference
            int n = 0;
            int i = 0;
            int j = from;
            while (i < old.length || j < to) {
                if (prune == null && i < old.length) {
                    // Without a prune, the children before the next change's name stay as they are: one
                    // binary search skips them, so one upload into a directory of 100,000 files costs
                    // ~17 compares instead of 100,000 (and the state thread is not held by big directories).
                    int keep = j < to ? DirNode.indexOf(old, changes[j].path().segment(depth)) : old.length;
                    keep = keep < 0 ? -(keep + 1) : keep; // never before i: those names come before the change's
                    if (keep > i) {
                        if (out != null) {
                            System.arraycopy(old, i, out, n, keep - i);
                            n += keep - i;
                        }
                        i = keep;
                        continue;
                    }
                }
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
                if (after != before) {
                    delta.add(before, after);
                    if (out == null) {
                        out = new DfsNode[old.length + groups]; // every old child and one per group, at most
                        n = i - (before == null ? 0 : 1);
                        System.arraycopy(old, 0, out, 0, n);
                    }
                }
                if (out != null && after != null) {
                    out[n++] = after;
                }
            }
            changed = delta;
            return out == null ? old : n == out.length ? out : Arrays.copyOf(out, n);
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
        return offers == dir.offers && children == dir.children ? dir : make(dir.name, offers, children, merge.local);
    }

    /**
     * A node for what is left: null when nothing, a directory when anything says so, else a file. Where
     * {@code local} (if not null) offers a file, it is a file: other owners' children and directory offers
     * are dropped.
     */
    private static DfsNode make(String name, Offer offers, DfsNode[] children, String local) {
        if (keepsFile(offers, local)) {
            return new FileNode(name, Offer.withoutDirectories(offers));
        }
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

    /** Whether {@code local} offers a file among {@code offers}, which then stay a file. */
    private static boolean keepsFile(Offer offers, String local) {
        Offer mine = local == null ? null : Offer.find(offers, local);
        return mine != null && !mine.isDirectory();
    }

    /** Walks the subtree at {@code from} depth-first, a directory before its contents, children by name. */
    public TreeWalker walk(DfsPath from) {
        return new TreeWalker(lookup(from), from);
    }
}
