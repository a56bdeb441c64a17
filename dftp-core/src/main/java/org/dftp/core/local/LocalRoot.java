package org.dftp.core.local;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;

/**
 * The local directory ({@code -dfsroot}) this node projects into the DFS under {@code -dfsmount}.
 *
 * <p>The one place that maps a DFS path to a local file, and refuses anything that would resolve
 * outside the root, symlinks included. Every caller that opens a local file goes through
 * {@link #open}.
 */
public final class LocalRoot {
    /**
     * The name prefix of the files an upload writes before it renames them into place. Such names are
     * never part of the DFS: the scanner and the watcher skip them, so a half-written file is never
     * listed, found or announced, and no client may write to one.
     */
    public static final String TEMP_PREFIX = ".dftp-upload-";

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

    /**
     * The local path a DFS path names, without touching the disk; null when it lies outside the mount.
     *
     * @throws BadPathException when a name is not one this disk can hold ({@link DiskNames#toDisk})
     */
    public Path map(DfsPath path) {
        if (!path.startsWith(mount)) {
            return null;
        }
        Path p = root;
        for (String segment : path.relativeTo(mount).segments()) {
            p = DiskNames.child(p, segment);
        }
        return p;
    }

    /**
     * The DFS path of a local path below the root.
     *
     * @throws BadPathException when a name is not a valid DFS segment
     */
    public DfsPath toDfs(Path local) {
        Path rel = root.relativize(local);
        DfsPath p = DfsPath.ROOT;
        for (Path segment : rel) {
            String name = DiskNames.name(segment);
            if (name == null) {
                throw new BadPathException("a name that is not UTF-8, which this JVM cannot read as bytes");
            }
            if (!name.isEmpty()) {
                p = p.child(name);
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
            cur = DiskNames.child(cur, rel.segment(i));
            BasicFileAttributes a = Files.readAttributes(cur, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                return checkedTarget(path, p);
            }
            if (i == rel.depth() - 1) {
                if (a.isRegularFile()) {
                    return LocalFile.of(root, p, a);
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
        return LocalFile.of(root, real, a);
    }

    /** Whether a local name is an upload's temporary file (see {@link #TEMP_PREFIX}). */
    public static boolean isTemporary(String name) {
        return name.startsWith(TEMP_PREFIX);
    }

    /**
     * The local path where an entry named {@code path} is (or would be) created: its parent directory is
     * checked as {@link #file} checks the way to a file (one {@code lstat} per component, a symlink on the
     * way must resolve inside the root) and the result lies in that parent's real directory. The last
     * component itself is not looked at: it may not exist yet, or be a symlink that the caller replaces.
     *
     * @throws NoSuchFileException when a component of the parent is missing
     * @throws java.nio.file.NotDirectoryException when a component of the parent is not a directory
     * @throws AccessDeniedException when the path lies outside the mount or the parent resolves outside the root
     */
    public Path place(DfsPath path) throws IOException {
        if (!path.startsWith(mount) || path.equals(mount)) {
            throw new AccessDeniedException(path.toString(), null, "outside this node's -dfsmount");
        }
        DfsPath rel = path.relativeTo(mount);
        Path cur = root;
        for (int i = 0; i < rel.depth() - 1; i++) {
            cur = DiskNames.child(cur, rel.segment(i));
            BasicFileAttributes a = Files.readAttributes(cur, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                cur = cur.toRealPath();
                if (!cur.startsWith(root)) {
                    throw new AccessDeniedException(path.toString(), null, "resolves outside the dfsroot");
                }
                a = Files.readAttributes(cur, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            }
            if (!a.isDirectory()) {
                throw new java.nio.file.NotDirectoryException(path.parent().toString());
            }
        }
        return DiskNames.child(cur, rel.name());
    }

    /** Whether a real path lies inside the root. */
    public boolean contains(Path real) {
        return real.startsWith(root);
    }
}
