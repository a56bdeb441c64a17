package org.dftp.core.local;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import org.dftp.core.DfsPath;

/**
 * The local directory ({@code -dfsroot}) this node projects into the DFS under {@code -dfsmount}.
 *
 * <p>The one place that maps a DFS path to a local file, and refuses anything that would resolve
 * outside the root, symlinks included. Every caller that opens a local file goes through
 * {@link #open}.
 */
public final class LocalRoot {
    private final Path root;
    private final DfsPath mount;

    private LocalRoot(Path root, DfsPath mount) {
        this.root = root;
        this.mount = mount;
    }

    /**
     * @param dir an existing, readable directory
     * @param mount where its content appears in the DFS ({@link DfsPath#ROOT} for the root)
     * @throws IOException when {@code dir} is not a readable directory
     */
    public static LocalRoot of(Path dir, DfsPath mount) throws IOException {
        Objects.requireNonNull(mount, "mount");
        Path real = dir.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new IOException(dir + " is not a directory");
        }
        if (!Files.isReadable(real) || !Files.isExecutable(real)) {
            throw new IOException(dir + " is not readable");
        }
        return new LocalRoot(real, mount);
    }

    /** The real (symlink-free) path of the root directory. */
    public Path dir() {
        return root;
    }

    public DfsPath mount() {
        return mount;
    }

    /** The local path a DFS path names, without touching the disk; null when it lies outside the mount. */
    public Path map(DfsPath path) {
        if (!path.startsWith(mount)) {
            return null;
        }
        Path p = root;
        for (String segment : path.relativeTo(mount).segments()) {
            p = p.resolve(segment);
        }
        return p;
    }

    /** The DFS path of a local path below the root. */
    public DfsPath toDfs(Path local) {
        Path rel = root.relativize(local);
        DfsPath p = DfsPath.ROOT;
        for (Path segment : rel) {
            if (!segment.toString().isEmpty()) {
                p = p.child(segment.toString());
            }
        }
        return p.under(mount);
    }

    /**
     * The real path of the regular file at {@code path}, checked to be inside the root after all
     * symlinks are resolved.
     *
     * @throws IOException when it does not exist, is not a regular file, or resolves outside the root
     */
    public Path open(DfsPath path) throws IOException {
        return file(path).path();
    }

    /**
     * The regular file at {@code path}, checked to be inside the root.
     *
     * <p>Only what lies below the root is checked, one {@code lstat} per path component, as nginx's
     * {@code disable_symlinks} does: a serving hot path cannot afford a {@code realpath} of the whole
     * absolute path per request. A symlink on the way is resolved and must land inside the root.
     *
     * @throws IOException when it does not exist, is not a regular file, or resolves outside the root
     */
    public LocalFile file(DfsPath path) throws IOException {
        Path p = map(path);
        if (p == null) {
            throw new NoSuchFileException(path.toString());
        }
        DfsPath rel = path.relativeTo(mount);
        Path cur = root;
        for (int i = 0; i < rel.depth(); i++) {
            cur = cur.resolve(rel.segment(i));
            BasicFileAttributes a = Files.readAttributes(cur, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                return checkedTarget(path, p);
            }
            if (i == rel.depth() - 1) {
                if (a.isRegularFile()) {
                    return LocalFile.of(p, a);
                }
                throw new NoSuchFileException(path.toString(), null, "not a regular file");
            }
            if (!a.isDirectory()) {
                throw new NoSuchFileException(path.toString(), null, "not a directory");
            }
        }
        throw new NoSuchFileException(path.toString(), null, "not a regular file");
    }

    private LocalFile checkedTarget(DfsPath path, Path p) throws IOException {
        Path real = p.toRealPath();
        if (!real.startsWith(root)) {
            throw new AccessDeniedException(path.toString(), null, "resolves outside the dfsroot");
        }
        BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new NoSuchFileException(path.toString(), null, "not a regular file");
        }
        return LocalFile.of(real, a);
    }

    /** Whether a real path lies inside the root. */
    public boolean contains(Path real) {
        return real.startsWith(root);
    }
}
