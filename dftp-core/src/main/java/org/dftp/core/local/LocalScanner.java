package org.dftp.core.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
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
 * of files is bound by system calls, not by one core. Unreadable directories are skipped with a
 * warning; symlinks are followed only when they resolve inside the root (a symlinked directory is
 * walked once, at its first place, so loops end); names that are not valid DFS segments are skipped.
 */
public final class LocalScanner {
    private static final Logger log = LoggerFactory.getLogger(LocalScanner.class);

    private final LocalRoot root;
    private final String owner;

    public LocalScanner(LocalRoot root, String owner) {
        this.root = root;
        this.owner = owner;
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
        List<Change> found = ForkJoinPool.commonPool().invoke(new DirTask(root.dir(), mount, now));
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
            out.addAll(ForkJoinPool.commonPool().invoke(new DirTask(real, dir, now)));
        }
        return out;
    }

    /** The offer this node makes for a local file with these attributes. */
    public Offer offer(PosixFileAttributes a, long now) {
        int mode = modeBits(a.permissions());
        if (a.isDirectory()) {
            mode |= Offer.MODE_DIR;
        }
        return Offer.of(owner, mode, a.isDirectory() ? 0 : a.size(), a.lastModifiedTime().toMillis() / 1000, now);
    }

    static int modeBits(Set<PosixFilePermission> perms) {
        int bits = 0;
        for (PosixFilePermission p : perms) {
            bits |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 and bit 8 (0400)
        }
        return bits;
    }

    private final class DirTask extends RecursiveTask<List<Change>> {
        private final Path dir;
        private final DfsPath dfsDir;
        private final long now;

        DirTask(Path dir, DfsPath dfsDir, long now) {
            this.dir = dir;
            this.dfsDir = dfsDir;
            this.now = now;
        }

        @Override
        protected List<Change> compute() {
            List<Change> out = new ArrayList<>();
            List<DirTask> subdirs = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    visit(entry, out, subdirs);
                }
            } catch (IOException | SecurityException e) {
                log.warn("Scanner: skipping unreadable directory {}: {}", dir, e.toString());
                return out;
            }
            if (subdirs.size() == 1) {
                out.addAll(subdirs.get(0).compute());
            } else if (!subdirs.isEmpty()) {
                for (DirTask t : invokeAll(subdirs)) {
                    out.addAll(t.join());
                }
            }
            return out;
        }

        private void visit(Path entry, List<Change> out, List<DirTask> subdirs) {
            DfsPath path;
            try {
                path = dfsDir.child(entry.getFileName().toString());
            } catch (BadPathException e) {
                log.warn("Scanner: skipping {}: {}", entry, e.getMessage());
                return;
            }
            try {
                PosixFileAttributes a = Files.readAttributes(entry, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Path target = entry;
                if (a.isSymbolicLink()) {
                    target = entry.toRealPath();
                    if (!root.contains(target) || isAncestor(target)) {
                        log.debug("Scanner: not following {}: resolves outside the dfsroot or loops", entry);
                        return;
                    }
                    a = Files.readAttributes(target, PosixFileAttributes.class);
                }
                if (a.isDirectory()) {
                    out.add(Change.offer(path, offer(a, now)));
                    subdirs.add(new DirTask(target, path, now));
                } else if (a.isRegularFile()) {
                    out.add(Change.offer(path, offer(a, now)));
                }
            } catch (IOException e) {
                log.debug("Scanner: skipping {}: {}", entry, e.toString());
            }
        }

        /** A symlink to a directory that contains it would loop forever. */
        private boolean isAncestor(Path target) {
            return dir.startsWith(target);
        }
    }
}
