package org.dftp.core.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.atomic.LongAdder;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks the local tree and turns it into offers of this node.
 *
 * <p>Directories are read in parallel (one fork-join task each), since a scan of hundreds of thousands
 * of files is bound by system calls, not by one core; the result comes out in path order, which the
 * tree takes in one linear pass. Unreadable directories are skipped with a
 * warning; symlinks are followed only when they resolve inside the root and not to a directory the
 * walk is already inside of (so every cycle of links ends; a directory linked from two places does
 * appear at both); names that are not valid DFS segments are skipped.
 */
public final class LocalScanner {
    private static final Logger log = LoggerFactory.getLogger(LocalScanner.class);

    /** Metadata reads are system calls, not computation: more threads than cores keep the disk cache busy. */
    private static final int THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final LocalRoot root;
    private final String owner;
    private final java.util.function.Consumer<Path> beforeListing;
    /** Whether attributes are read through {@link DirectStat}; false for the public API (a test compares both). */
    private final boolean direct;
    /** Names met in this scan that are not UTF-8, served escaped ({@link DiskNames}); and those left out, unreadable as bytes. */
    private final LongAdder notUtf8 = new LongAdder();
    private final LongAdder unnamable = new LongAdder();
    /** Told of every upload temp file met; nothing by default. */
    private java.util.function.Consumer<Path> onTemporary = p -> { };

    public LocalScanner(LocalRoot root, String owner) {
        this(root, owner, dir -> { });
    }

    /**
     * @param beforeListing called with each directory just before it is listed, from the scan's threads: a
     *                      watcher registers it there, so whatever changes after the listing is reported
     *                      and the tree is walked once for both
     */
    public LocalScanner(LocalRoot root, String owner, java.util.function.Consumer<Path> beforeListing) {
        this(root, owner, beforeListing, DirectStat.AVAILABLE);
    }

    LocalScanner(LocalRoot root, String owner, java.util.function.Consumer<Path> beforeListing, boolean direct) {
        if (direct && !DirectStat.AVAILABLE) {
            throw new IllegalStateException("direct attribute reads are not available in this JVM");
        }
        this.root = root;
        this.owner = owner;
        this.beforeListing = beforeListing;
        this.direct = direct;
    }

    /**
     * Has {@code action} called with each upload temp file the scan meets, from the scan's threads: the
     * start-up scan removes the ones a node that stopped abruptly left behind. Returns this scanner.
     */
    public LocalScanner onTemporary(java.util.function.Consumer<Path> action) {
        this.onTemporary = action;
        return this;
    }

    /** The result of a scan: this node's offers as a tree, and how many of its entries are files. */
    public record Result(DfsTree tree, int files) {
        /** Files and directories found, the mount point's directories included. */
        public int entries() {
            return tree.size();
        }

        /** The offers as changes, in path order. */
        public List<Change> changes() {
            return tree.changes();
        }
    }

    /**
     * Scans the whole local tree; {@code now} is the announcement time of every offer (Unix seconds).
     * Each directory's task builds that directory's nodes from its sorted listing, in parallel with the
     * others, so the tree comes out of the scan whole: nothing is left to sort or merge.
     */
    public Result scan(long now) {
        DirTask top = new DirTask(null, root.dir(), root.mount(), now);
        DfsNode[] nodes = invoke(top);
        reportNames();
        // The mount point's own directories, so that an empty local tree still shows where it is mounted.
        DfsPath mount = root.mount();
        for (int i = mount.depth() - 1; i >= 0; i--) {
            nodes = new DfsNode[] {DfsTree.directory(mount.segment(i), Offer.of(owner, Offer.MODE_DIR | 0755, 0, now, now),
                    nodes)};
        }
        return new Result(DfsTree.of(nodes), top.files);
    }

    /** Scans one subtree (for a watcher that saw a directory appear, or overflowed). */
    public List<Change> scanSubtree(DfsPath dir, long now) throws IOException {
        Path local = root.map(dir);
        if (local == null) {
            return List.of();
        }
        Path real = local.toRealPath();
        if (!root.contains(real)) {
            return List.of();
        }
        List<Change> out = new ArrayList<>();
        PosixFileAttributes a = Files.readAttributes(real, PosixFileAttributes.class);
        if (!dir.isRoot()) {
            out.add(Change.offer(dir, offer(a, now)));
        }
        if (a.isDirectory()) {
            for (Change c : DfsTree.of(invoke(new DirTask(null, real, dir, now))).changes()) {
                out.add(Change.offer(c.path().under(dir), c.offer()));
            }
        }
        return out;
    }

    private static DfsNode[] invoke(DirTask task) {
        ForkJoinPool pool = new ForkJoinPool(THREADS);
        try {
            return pool.invoke(task);
        } finally {
            pool.shutdown();
        }
    }

    /** The offer this node makes for a local file with these attributes. */
    public Offer offer(PosixFileAttributes a, long now) {
        int mode = modeBits(a.permissions());
        if (a.isDirectory()) {
            mode |= Offer.MODE_DIR;
        }
        return Offer.of(owner, mode, a.isDirectory() ? 0 : a.size(), a.lastModifiedTime().toMillis() / 1000, now);
    }

    /** One line for the whole scan, not one per file: an old share can hold thousands of such names. */
    private void reportNames() {
        long escaped = notUtf8.sumThenReset();
        long left = unnamable.sumThenReset();
        if (escaped > 0) {
            log.info("Scanner: {} name(s) are not valid UTF-8; served with each such byte written {}XX "
                    + "(see docs/PROTOCOL.md, \"Names that are not UTF-8\")", escaped, DiskNames.ESCAPE);
        }
        if (left > 0) {
            log.warn("Scanner: {} name(s) are not valid UTF-8 and left out: this JVM does not let dftp read names "
                    + "as bytes (java.base must open sun.nio.fs to it, as bin/dftp does)", left);
        }
    }

    /**
     * The DFS names of a directory's entries: the JDK's own decoding of them, unless one of them lost bytes
     * in it or holds the escape character; then each entry's name is read again as bytes ({@link DiskNames}).
     */
    private String[] listNames(Path dir) throws IOException {
        // File names the directory by its decoded string: right only when that decoding lost nothing.
        String[] names = DiskNames.asIs(dir.toString()) ? dir.toFile().list() : null;
        if (names == null) {
            return namesAsBytes(dir); // and an unreadable directory's error says why
        }
        for (String n : names) {
            if (!DiskNames.asIs(n)) {
                return namesAsBytes(dir);
            }
        }
        return names;
    }

    private String[] namesAsBytes(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = DiskNames.name(entry);
                if (name == null) {
                    unnamable.increment();
                    continue;
                }
                if (DiskNames.escapesBytes(name)) {
                    notUtf8.increment();
                }
                out.add(name);
            }
        }
        return out.toArray(new String[0]);
    }

    /** A file name may hold a newline or an escape sequence; in a log line it must not forge another. */
    static String printable(Object o) {
        String s = String.valueOf(o);
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                out.append(String.format("\\x%02x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    static int modeBits(Set<PosixFilePermission> perms) {
        int bits = 0;
        for (PosixFilePermission p : perms) {
            bits |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 and bit 8 (0400)
        }
        return bits;
    }

    /** Below this many names a run is sorted by insertion; above, runs are merged. */
    private static final int RUN = 16;

    /**
     * Sorts a directory's names. Not {@code Arrays.sort}: at start-up the JIT compiles the JDK's TimSort
     * again and again, since each directory's order takes its large merge methods down a branch their
     * profile had not seen, and those compiles held the one compiler thread of a two-core machine for
     * much of the scan. This merge sort is small enough to compile once, early.
     */
    static void sortNames(String[] names) {
        int n = names.length;
        for (int lo = 0; lo < n; lo += RUN) {
            insertionSort(names, lo, Math.min(lo + RUN, n));
        }
        if (n <= RUN) {
            return;
        }
        String[] src = names;
        String[] dst = new String[n];
        for (int width = RUN; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                merge(src, dst, lo, Math.min(lo + width, n), Math.min(lo + 2 * width, n));
            }
            String[] t = src;
            src = dst;
            dst = t;
        }
        if (src != names) {
            System.arraycopy(src, 0, names, 0, n);
        }
    }

    private static void insertionSort(String[] a, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            String x = a[i];
            int j = i - 1;
            while (j >= from && a[j].compareTo(x) > 0) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
    }

    /** Merges the sorted runs src[lo, mid) and src[mid, hi) into dst[lo, hi). */
    private static void merge(String[] src, String[] dst, int lo, int mid, int hi) {
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            if (j >= hi || i < mid && src[i].compareTo(src[j]) <= 0) {
                dst[k] = src[i++];
            } else {
                dst[k] = src[j++];
            }
        }
    }

    private static final DfsNode[] NO_NODES = new DfsNode[0];

    /** What {@link Entries#offer} answers for a symbolic link, which the walk then resolves itself. */
    private static final Offer LINK = Offer.of("", Offer.MODE_SYMLINK, 0, 0, 0);

    /**
     * One open directory whose entries' attributes are read relative to it ({@code fstatat}): the kernel
     * then looks up one name instead of walking the whole path, per entry. {@link DirectStat} where the
     * JVM allows it, else the public API's secure directory stream, else a path per entry.
     */
    private final class Entries implements AutoCloseable {
        private final Path dir;
        private final DirectStat direct;
        private final DirectoryStream<Path> stream;
        private final SecureDirectoryStream<Path> secure;

        Entries(Path dir) throws IOException {
            this.dir = dir;
            if (LocalScanner.this.direct) {
                direct = DirectStat.open(dir);
                stream = null;
                secure = null;
            } else {
                direct = null;
                stream = Files.newDirectoryStream(dir);
                secure = stream instanceof SecureDirectoryStream<Path> s ? s : null;
            }
        }

        /** The offer for a file or directory, {@link #LINK} for a link, null for anything else. */
        Offer offer(String name, long now) throws IOException {
            if (direct != null) {
                if (!direct.read(name)) {
                    throw new IOException("cannot read its attributes");
                }
                int mode = direct.mode();
                return switch (mode & DirectStat.S_IFMT) {
                    case DirectStat.S_IFREG -> Offer.of(owner, mode & 0777, direct.size(), direct.lastModified(), now);
                    case DirectStat.S_IFDIR -> Offer.of(owner, Offer.MODE_DIR | mode & 0777, 0, direct.lastModified(), now);
                    case DirectStat.S_IFLNK -> LINK;
                    default -> null;
                };
            }
            PosixFileAttributes a = secure != null
                    ? secure.getFileAttributeView(DiskNames.child(dir.getFileSystem().getPath(""), name), PosixFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS).readAttributes()
                    : Files.readAttributes(DiskNames.child(dir, name), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                return LINK;
            }
            return a.isDirectory() || a.isRegularFile() ? LocalScanner.this.offer(a, now) : null;
        }

        @Override
        public void close() throws IOException {
            if (direct != null) {
                direct.close();
            } else {
                stream.close();
            }
        }
    }

    private final class DirTask extends RecursiveTask<DfsNode[]> {
        /** The directory this one was reached from, or null: the chain the loop check looks along. */
        private final DirTask parent;
        /** A real path (the scan starts at the real root and follows a link to its real target). */
        private final Path dir;
        private final DfsPath dfsDir;
        private final long now;
        /** Files in this directory's subtree; read after {@link #join}. */
        int files;

        DirTask(DirTask parent, Path dir, DfsPath dfsDir, long now) {
            this.parent = parent;
            this.dir = dir;
            this.dfsDir = dfsDir;
            this.now = now;
        }

        /** This directory's nodes in name order, each subdirectory built whole by its own task. */
        @Override
        protected DfsNode[] compute() {
            beforeListing.accept(dir);
            String[] names;
            Offer[] offers;
            DirTask[] below;
            try (Entries entries = new Entries(dir)) {
                // Names, not a DirectoryStream's Paths: a Path per entry copies the whole directory path,
                // and sorting Paths compares those long common prefixes again and again.
                names = listNames(dir);
                sortNames(names); // String order: the tree's name order
                offers = new Offer[names.length];
                below = new DirTask[names.length];
                for (int i = 0; i < names.length; i++) {
                    offers[i] = visit(entries, names[i], below, i);
                }
            } catch (IOException | SecurityException e) {
                log.warn("Scanner: skipping unreadable directory {}: {}", printable(dir), printable(e));
                return NO_NODES;
            }
            List<DirTask> subdirs = new ArrayList<>();
            for (DirTask t : below) {
                if (t != null) {
                    subdirs.add(t);
                }
            }
            if (subdirs.size() > 1) {
                invokeAll(subdirs);
            }
            DfsNode[] nodes = new DfsNode[names.length];
            int n = 0;
            for (int i = 0; i < names.length; i++) {
                if (offers[i] == null) {
                    continue;
                }
                if (n > 0 && nodes[n - 1].name().equals(names[i])) {
                    // Two entries with one DFS name: DiskNames is a bijection, so only a directory listed
                    // while it changed could give that; the tree must never hold two nodes of one name.
                    log.warn("Scanner: skipping {}: its name decodes like another's", printable(DiskNames.child(dir, names[i])));
                    continue;
                }
                if (below[i] != null) {
                    DfsNode[] children = subdirs.size() > 1 ? below[i].join() : below[i].compute();
                    files += below[i].files;
                    nodes[n++] = DfsTree.directory(names[i], offers[i], children);
                } else {
                    files++;
                    nodes[n++] = DfsTree.file(names[i], offers[i]);
                }
            }
            return n == nodes.length ? nodes : Arrays.copyOf(nodes, n);
        }

        /** The offer for one entry of this directory, or null to leave it out; a directory's task goes to below[i]. */
        private Offer visit(Entries entries, String name, DirTask[] below, int i) {
            if (LocalRoot.isTemporary(name)) {
                onTemporary.accept(DiskNames.child(dir, name));
                return null; // an upload in progress: not part of the DFS until it is renamed into place
            }
            try {
                dfsDir.checkChild(name);
            } catch (BadPathException e) {
                log.warn("Scanner: skipping {}: {}", printable(DiskNames.child(dir, name)), e.getMessage());
                return null;
            }
            try {
                Offer offer = entries.offer(name, now);
                if (offer == null) {
                    return null;
                }
                Path target = null;
                if (offer == LINK) {
                    target = DiskNames.child(dir, name).toRealPath();
                    if (!root.contains(target) || isAncestor(target)) {
                        log.debug("Scanner: not following {}: resolves outside the dfsroot or loops",
                                printable(DiskNames.child(dir, name)));
                        return null;
                    }
                    PosixFileAttributes a = Files.readAttributes(target, PosixFileAttributes.class);
                    if (!a.isDirectory() && !a.isRegularFile()) {
                        return null;
                    }
                    offer = offer(a, now);
                }
                if (offer.isDirectory()) {
                    below[i] = new DirTask(this, target != null ? target : DiskNames.child(dir, name), dfsDir.child(name), now);
                }
                return offer;
            } catch (IOException e) {
                log.debug("Scanner: skipping {}: {}", printable(DiskNames.child(dir, name)), printable(e));
                return null;
            }
        }

        /**
         * Whether following a link to {@code target} could come back here: it does when the target
         * contains any directory on the way from the root to this one. Checking only the current
         * directory misses cycles through several links (a/l1 -> b, b/l2 -> a), which the scan then
         * followed until the path grew too long. With the whole chain checked, a walk can revisit a real
         * directory only by a link to one of its ancestors, which is refused, so every walk ends.
         */
        private boolean isAncestor(Path target) {
            for (DirTask t = this; t != null; t = t.parent) {
                if (t.dir.startsWith(target)) {
                    return true;
                }
            }
            return false;
        }
    }
}
