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
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
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

    public LocalScanner(LocalRoot root, String owner) {
        this(root, owner, dir -> { });
    }

    /**
     * @param beforeListing called with each directory just before it is listed, from the scan's threads: a
     *                      watcher registers it there, so whatever changes after the listing is reported
     *                      and the tree is walked once for both
     */
    public LocalScanner(LocalRoot root, String owner, java.util.function.Consumer<Path> beforeListing) {
        this.root = root;
        this.owner = owner;
        this.beforeListing = beforeListing;
    }

    /** The result of a scan: every change, and how many of them are files. */
    public record Result(List<Change> changes, int files) {
    }

    /** Scans the whole local tree; {@code now} is the announcement time of every offer (Unix seconds). */
    public Result scan(long now) {
        List<Change> changes = new ArrayList<>();
        // The mount point's own directories, so that an empty local tree still shows where it is mounted.
        DfsPath mount = root.mount();
        for (int i = 1; i <= mount.depth(); i++) {
            DfsPath p = DfsPath.ROOT;
            for (int k = 0; k < i; k++) {
                p = p.child(mount.segment(k));
            }
            changes.add(Change.offer(p, Offer.of(owner, Offer.MODE_DIR | 0755, 0, now, now)));
        }
        List<Change> found = invoke(new DirTask(null, root.dir(), mount, now));
        changes.addAll(found);
        int files = 0;
        for (Change c : found) {
            if (!c.offer().isDirectory()) {
                files++;
            }
        }
        return new Result(changes, files);
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
            out.addAll(invoke(new DirTask(null, real, dir, now)));
        }
        return out;
    }

    private static List<Change> invoke(DirTask task) {
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

    private final class DirTask extends RecursiveTask<List<Change>> {
        /** The directory this one was reached from, or null: the chain the loop check looks along. */
        private final DirTask parent;
        /** A real path (the scan starts at the real root and follows a link to its real target). */
        private final Path dir;
        private final DfsPath dfsDir;
        private final long now;

        DirTask(DirTask parent, Path dir, DfsPath dfsDir, long now) {
            this.parent = parent;
            this.dir = dir;
            this.dfsDir = dfsDir;
            this.now = now;
        }

        /**
         * This directory's subtree in path order (each entry, then what lies below it, by name): the tree
         * then takes the batch in one linear pass instead of a sort.
         */
        @Override
        protected List<Change> compute() {
            beforeListing.accept(dir);
            Change[] changes;
            DirTask[] below;
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                // Names, not the stream's Paths: a Path per entry copies the whole directory path, and
                // sorting Paths compares those long common prefixes again and again.
                String[] names = dir.toFile().list();
                if (names == null) {
                    throw new IOException("listing failed");
                }
                // String order is UTF-8 byte order, the tree's name order, but for rare surrogate cases,
                // which the tree's own sort mends.
                Arrays.sort(names);
                SecureDirectoryStream<Path> open = stream instanceof SecureDirectoryStream<Path> s ? s : null;
                changes = new Change[names.length];
                below = new DirTask[names.length];
                for (int i = 0; i < names.length; i++) {
                    changes[i] = visit(open, names[i], below, i);
                }
            } catch (IOException | SecurityException e) {
                log.warn("Scanner: skipping unreadable directory {}: {}", printable(dir), printable(e));
                return List.of();
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
            List<Change> out = new ArrayList<>(changes.length);
            for (int i = 0; i < changes.length; i++) {
                if (changes[i] != null) {
                    out.add(changes[i]);
                }
                if (below[i] != null) {
                    out.addAll(subdirs.size() > 1 ? below[i].join() : below[i].compute());
                }
            }
            return out;
        }

        /**
         * The change for one entry of this directory, or null to leave it out.
         *
         * @param open this directory, open, where the platform reads attributes relative to it ({@code fstatat}):
         *             the kernel then looks up one name instead of walking the whole path, per file
         */
        private Change visit(SecureDirectoryStream<Path> open, String name, DirTask[] below, int i) {
            DfsPath path;
            try {
                path = dfsDir.child(name);
            } catch (BadPathException e) {
                log.warn("Scanner: skipping {}: {}", printable(dir.resolve(name)), e.getMessage());
                return null;
            }
            try {
                PosixFileAttributes a = open != null
                        ? open.getFileAttributeView(dir.getFileSystem().getPath(name), PosixFileAttributeView.class,
                                LinkOption.NOFOLLOW_LINKS).readAttributes()
                        : Files.readAttributes(dir.resolve(name), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Path target = null;
                if (a.isSymbolicLink()) {
                    target = dir.resolve(name).toRealPath();
                    if (!root.contains(target) || isAncestor(target)) {
                        log.debug("Scanner: not following {}: resolves outside the dfsroot or loops",
                                printable(dir.resolve(name)));
                        return null;
                    }
                    a = Files.readAttributes(target, PosixFileAttributes.class);
                }
                if (a.isDirectory()) {
                    below[i] = new DirTask(this, target != null ? target : dir.resolve(name), path, now);
                    return Change.offer(path, offer(a, now));
                }
                return a.isRegularFile() ? Change.offer(path, offer(a, now)) : null;
            } catch (IOException e) {
                log.debug("Scanner: skipping {}: {}", printable(dir.resolve(name)), printable(e));
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
