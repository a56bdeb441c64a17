package org.dftp.core.write;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.LocalSync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every write this node carries out on its own disk: uploads, directories, deletions, moves and copies,
 * for HTTP, WebDAV and FTP alike. Paths are DFS paths; {@link LocalRoot#place} maps them, so nothing here
 * reaches outside the dfsroot. After each change the store and every peer hear of it before the method
 * returns ({@link LocalSync#settle}), so a client that has its answer finds the change on every node.
 *
 * <p>Thread-safe; every method blocks on the disk, so front ends call it off their event loops.
 */
public final class LocalWrites {
    private static final Logger log = LoggerFactory.getLogger(LocalWrites.class);
    private static final java.nio.file.attribute.FileAttribute<?> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

    private final LocalRoot root;
    private final Consumer<Collection<Path>> settle;

    /** @param sync the node's disk follower, which takes each change into the store and to the peers */
    public LocalWrites(LocalRoot root, LocalSync sync) {
        this(root, sync::settle);
    }

    /** @param settle takes what changed on disk into the store (tests pass their own) */
    public LocalWrites(LocalRoot root, Consumer<Collection<Path>> settle) {
        this.root = Objects.requireNonNull(root, "root");
        this.settle = Objects.requireNonNull(settle, "settle");
    }

    public LocalRoot root() {
        return root;
    }

    void settle(Collection<Path> changed) {
        settle.accept(changed);
    }

    /**
     * Starts writing the file at {@code path}, replacing it on {@link Upload#commit}.
     *
     * @param keep bytes of the current file that the new one starts with (FTP's {@code APPE} and
     *             {@code REST}+{@code STOR}); 0 for a new content
     * @param limit the most bytes the new file may have
     */
    public Upload upload(DfsPath path, long keep, long limit) throws WriteException {
        Path target = place(path);
        boolean existed;
        try {
            BasicFileAttributes a = lstat(target);
            existed = a != null;
            if (a != null && a.isDirectory()) {
                throw new WriteException(WriteException.Kind.WRONG_TYPE, "`" + path + "` is a directory");
            }
            if (keep > 0 && (a == null || keep > a.size())) {
                throw new WriteException(WriteException.Kind.CONFLICT,
                        "`" + path + "` has fewer than " + keep + " bytes to continue from");
            }
        } catch (IOException e) {
            throw WriteException.of(e, path);
        }
        Path temp = null;
        FileChannel ch = null;
        try {
            temp = Files.createTempFile(target.getParent(), LocalRoot.TEMP_PREFIX, "", FILE_MODE);
            ch = FileChannel.open(temp, StandardOpenOption.WRITE);
            if (keep > 0) {
                try (FileChannel old = FileChannel.open(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                    long copied = 0;
                    while (copied < keep) {
                        long n = old.transferTo(copied, keep - copied, ch);
                        if (n <= 0) {
                            throw new IOException("file shrank while its start was copied");
                        }
                        copied += n;
                    }
                }
                ch.position(keep);
            }
            return new Upload(this, path, target, temp, ch, limit, existed);
        } catch (IOException e) {
            closeQuietly(ch);
            deleteQuietly(temp);
            throw WriteException.of(e, path);
        }
    }

    /** Creates the directory {@code path}; its parent must exist. */
    public void mkdir(DfsPath path) throws WriteException {
        Path dir = place(path);
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw WriteException.of(e, path);
        }
        syncDirectory(dir.getParent());
        settle(List.of(dir));
    }

    /** Deletes a file, or a directory with everything below it. Symlinks are removed, never followed. */
    public void delete(DfsPath path) throws WriteException {
        Path p = existing(path);
        try {
            deleteTree(p);
        } catch (IOException e) {
            // Part of a tree may be gone: the store hears of what is.
            settle(List.of(p));
            throw WriteException.of(e, path);
        }
        syncDirectory(p.getParent());
        settle(List.of(p));
    }

    /**
     * Renames {@code from} to {@code to} (one {@code rename(2)}: a file or a whole directory).
     *
     * @param overwrite whether an existing {@code to} is replaced (deleted first when it is a directory);
     *                  otherwise it is {@link WriteException.Kind#EXISTS}
     */
    public WriteResult move(DfsPath from, DfsPath to, boolean overwrite) throws WriteException {
        Path src = existing(from);
        Path dst = target(from, to);
        boolean existed = clearTarget(dst, to, overwrite);
        try {
            Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            settle(List.of(dst));
            throw WriteException.of(e, to);
        }
        syncDirectory(src.getParent());
        syncDirectory(dst.getParent());
        settle(List.of(src, dst));
        return existed ? WriteResult.REPLACED : WriteResult.CREATED;
    }

    /**
     * Copies {@code from} to {@code to}: a file through an {@link Upload} (so the copy appears whole), a
     * directory with everything below it when {@code recursive}, else as an empty directory (WebDAV's
     * {@code Depth: 0}).
     */
    public WriteResult copy(DfsPath from, DfsPath to, boolean overwrite, boolean recursive, long limit)
            throws WriteException {
        Path src = existing(from);
        Path dst = target(from, to);
        boolean existed = clearTarget(dst, to, overwrite);
        try {
            copyTree(src, dst, to, recursive, limit);
        } catch (IOException e) {
            settle(List.of(dst));
            throw WriteException.of(e, to);
        }
        settle(List.of(dst));
        return existed ? WriteResult.REPLACED : WriteResult.CREATED;
    }

    /** Sets a file's modification time (FTP's {@code MFMT}). */
    public void setModified(DfsPath path, long epochMillis) throws WriteException {
        Path p = existing(path);
        try {
            Files.setLastModifiedTime(p, FileTime.fromMillis(epochMillis));
        } catch (IOException e) {
            throw WriteException.of(e, path);
        }
        settle(List.of(p));
    }

    private void copyTree(Path src, Path dst, DfsPath to, boolean recursive, long limit) throws IOException {
        BasicFileAttributes a = Files.readAttributes(src, BasicFileAttributes.class);
        if (a.isRegularFile()) {
            try (Upload u = upload(to, 0, limit);
                 FileChannel in = FileChannel.open(src, StandardOpenOption.READ)) {
                copyInto(in, a.size(), u);
                u.commit();
            }
            return;
        }
        if (!a.isDirectory()) {
            return; // a FIFO, socket or device is no part of the DFS: not copied
        }
        Files.createDirectory(dst);
        if (!recursive) {
            return;
        }
        try (var entries = Files.newDirectoryStream(src)) {
            for (Path child : entries) {
                String name = child.getFileName().toString();
                if (LocalRoot.isTemporary(name)) {
                    continue;
                }
                Path real = child;
                if (Files.isSymbolicLink(child)) {
                    real = child.toRealPath();
                    if (!root.contains(real)) {
                        continue; // as the scanner: a link out of the dfsroot is not part of the DFS
                    }
                }
                copyTree(real, dst.resolve(name), to.child(name), true, limit);
            }
        }
    }

    /** Copies a file's bytes into an upload through one pooled buffer; a read that comes up short ends it. */
    private static void copyInto(FileChannel in, long size, Upload u) throws IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(256 * 1024);
        long pos = 0;
        while (pos < size) {
            buf.clear();
            int n = in.read(buf, pos);
            if (n < 0) {
                throw new IOException("source shrank while it was copied");
            }
            buf.flip();
            u.write(buf);
            pos += n;
        }
    }

    /**
     * Where {@code to} goes, refusing a target inside its own source (a loop WebDAV forbids) and a target that
     * holds the source: replacing it would delete the source before it is moved or copied.
     */
    private Path target(DfsPath from, DfsPath to) throws WriteException {
        if (to.startsWith(from)) {
            throw new WriteException(WriteException.Kind.FORBIDDEN,
                    "`" + to + "` lies inside `" + from + "`");
        }
        if (from.startsWith(to)) {
            throw new WriteException(WriteException.Kind.FORBIDDEN,
                    "`" + from + "` lies inside `" + to + "`");
        }
        return place(to);
    }

    /** Makes room for a move or copy; returns whether something was there. */
    private boolean clearTarget(Path dst, DfsPath to, boolean overwrite) throws WriteException {
        try {
            if (lstat(dst) == null) {
                return false;
            }
            if (!overwrite) {
                throw new WriteException(WriteException.Kind.EXISTS, "`" + to + "` already exists");
            }
            deleteTree(dst);
            return true;
        } catch (IOException e) {
            throw WriteException.of(e, to);
        }
    }

    /** The local place of a path that must exist; not the mount itself. */
    private Path existing(DfsPath path) throws WriteException {
        Path p = place(path);
        try {
            if (lstat(p) == null) {
                throw new NoSuchFileException(path.toString());
            }
        } catch (IOException e) {
            throw WriteException.of(e, path);
        }
        return p;
    }

    private Path place(DfsPath path) throws WriteException {
        if (LocalRoot.isTemporary(path.name())) {
            throw new WriteException(WriteException.Kind.BAD_NAME,
                    "names starting with " + LocalRoot.TEMP_PREFIX + " are reserved for uploads in progress");
        }
        try {
            return root.place(path);
        } catch (NoSuchFileException e) {
            throw new WriteException(WriteException.Kind.CONFLICT, "the parent of `" + path + "` does not exist", e);
        } catch (IOException e) {
            throw WriteException.of(e, path);
        }
    }

    private static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Deletes a file, a link or a directory tree, depth first; never follows a link. */
    static void deleteTree(Path p) throws IOException {
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * {@code fsync} of a directory, so that a rename or creation in it survives a crash. Best effort: a file
     * system that cannot sync directories still has the change.
     */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            log.debug("Write: fsync of a directory failed: {}", e.toString());
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                log.debug("Write: close failed: {}", e.toString());
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.warn("Write: cannot remove a temporary file: {}", e.toString());
            }
        }
    }

}
