package org.dftp.core.local;

import java.io.IOException;
import java.nio.file.Files;
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
        Path p = map(path);
        if (p == null) {
            throw new java.nio.file.NoSuchFileException(path.toString());
        }
        Path real = p.toRealPath();
        if (!real.startsWith(root)) {
            throw new java.nio.file.AccessDeniedException(path.toString(), null, "resolves outside the dfsroot");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "not a regular file");
        }
        return real;
    }

    /** Whether a real path lies inside the root. */
    public boolean contains(Path real) {
        return real.startsWith(root);
    }
}
