package org.dftp.core.write;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.core.local.DiskNames;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.LocalSync;
import org.dftp.core.local.PinnedDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every write this node carries out on its own disk: uploads, directories, deletions, moves and copies,
 * for HTTP, WebDAV and FTP alike. Paths are DFS paths; {@link LocalRoot#place} maps and checks them, and
 * every operation then works in the parent directory held open by a walk from the root that follows no
 * symlink ({@link Place}, {@link PinnedDirectory}), so nothing here reaches outside the dfsroot, whatever is
 * swapped in on the way meanwhile. After each change the store and every peer hear of it before the method
 * returns ({@link LocalSync#settle}), so a client that has its answer finds the change on every node.
 *
 * <p>Thread-safe; every method blocks on the disk, so front ends call it off their event loops.
 */
public final class LocalWrites {
    private static final Logger log = LoggerFactory.getLogger(LocalWrites.class);
    private static final java.nio.file.attribute.FileAttribute<?> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
    /** Names no one can guess ahead, so that no one can plant something at a temporary file's name first. */
    private static final SecureRandom TEMP_NAMES = new SecureRandom();

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
        Place target = place(path);
        String temp = null;
        FileChannel ch = null;
        try {
            BasicFileAttributes a = target.lstat();
            boolean existed = a != null;
            if (a != null && a.isDirectory()) {
                throw new WriteException(WriteException.Kind.WRONG_TYPE, "`" + path + "` is a directory");
            }
            if (keep > 0 && (a == null || keep > a.size())) {
                throw new WriteException(WriteException.Kind.CONFLICT,
                        "`" + path + "` has fewer than " + keep + " bytes to continue from");
            }
            for (int tries = 0; ch == null; tries++) {
                temp = LocalRoot.TEMP_PREFIX + Long.toUnsignedString(TEMP_NAMES.nextLong(), 36);
                try {
                    // O_CREAT | O_EXCL: a name someone raced in (a symlink, a FIFO) is never opened.
                    ch = FileChannel.open(target.dir().resolve(temp), EnumSet.of(StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE), FILE_MODE);
                } catch (FileAlreadyExistsException e) {
                    if (tries > 100) {
                        throw e;
                    }
                }
            }
            if (keep > 0) {
                try (FileChannel old = target.dir().openRead(target.name(), a.fileKey())) {
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
            if (ch != null) {
                deleteQuietly(target.dir().resolve(temp));
            }
            target.close();
            throw WriteException.of(e, path);
        }
    }

    /** Creates the directory {@code path}; its parent must exist. */
    public void mkdir(DfsPath path) throws WriteException {
        try (Place dir = place(path)) {
            try {
                Files.createDirectory(dir.path());
            } catch (IOException e) {
                throw WriteException.of(e, path);
            }
            syncDirectory(dir.dir().dir());
            settle(List.of(dir.real()));
        }
    }

    /** Deletes a file, or a directory with everything below it. Symlinks are removed, never followed. */
    public void delete(DfsPath path) throws WriteException {
        try (Place p = existing(path)) {
            try {
                deleteTree(p.dir(), p.name());
            } catch (IOException e) {
                // Part of a tree may be gone: the store hears of what is.
                settle(List.of(p.real()));
                throw WriteException.of(e, path);
            }
            syncDirectory(p.dir().dir());
            settle(List.of(p.real()));
        }
    }

    /**
     * Removes a file or a link, never a directory (FTP's {@code DELE}).
     *
     * @throws WriteException {@link WriteException.Kind#WRONG_TYPE} for a directory
     */
    public void deleteFile(DfsPath path) throws WriteException {
        removeOne(path, false);
    }

    /**
     * Removes an empty directory, as {@code rmdir(2)} does (FTP's {@code RMD}): one that holds anything, an
     * upload in progress or a name the DFS skips included, is {@link WriteException.Kind#CONFLICT}.
     */
    public void removeDirectory(DfsPath path) throws WriteException {
        removeOne(path, true);
    }

    private void removeOne(DfsPath path, boolean directory) throws WriteException {
        try (Place p = existing(path)) {
            try {
                BasicFileAttributes a = p.lstat();
                if (a != null && a.isDirectory() != directory) {
                    throw new WriteException(WriteException.Kind.WRONG_TYPE, "`" + path + "` is "
                            + (directory ? "not a directory (DELE removes files)" : "a directory (RMD removes directories)"));
                }
                // unlink(2) or rmdir(2) by what is there now: neither follows a link, neither empties a directory.
                Files.delete(p.path());
            } catch (DirectoryNotEmptyException e) {
                throw new WriteException(WriteException.Kind.CONFLICT, "Directory not empty: `" + path + "`", e);
            } catch (IOException e) {
                throw WriteException.of(e, path);
            }
            syncDirectory(p.dir().dir());
            settle(List.of(p.real()));
        }
    }

    /** The size of this node's regular file at {@code path} as the disk has it now; 0 when there is none. */
    public long size(DfsPath path) throws WriteException {
        try (Place p = place(path)) {
            BasicFileAttributes a = p.lstat();
            return a != null && a.isRegularFile() ? a.size() : 0;
        } catch (IOException e) {
            throw WriteException.of(e, path);
        }
    }

    /**
     * Renames {@code from} to {@code to} (one {@code rename(2)}: a file or a whole directory).
     *
     * @param overwrite whether an existing {@code to} is replaced (deleted first when it is a directory);
     *                  otherwise it is {@link WriteException.Kind#EXISTS}
     */
    public WriteResult move(DfsPath from, DfsPath to, boolean overwrite) throws WriteException {
        try (Place src = existing(from); Place dst = target(from, to)) {
            boolean existed = clearTarget(dst, to, overwrite);
            try {
                Files.move(src.path(), dst.path(), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                settle(List.of(dst.real()));
                throw WriteException.of(e, to);
            }
            syncDirectory(src.dir().dir());
            syncDirectory(dst.dir().dir());
            settle(List.of(src.real(), dst.real()));
            return existed ? WriteResult.REPLACED : WriteResult.CREATED;
        }
    }

    /**
     * Copies {@code from} to {@code to}: a file through an {@link Upload} (so the copy appears whole), a
     * directory with everything below it when {@code recursive}, else as an empty directory (WebDAV's
     * {@code Depth: 0}). A symlink is copied as what it points to when that lies inside the dfsroot; below
     * the top, one pointing out of it is left out, as the scanner leaves it out of the DFS.
     */
    public WriteResult copy(DfsPath from, DfsPath to, boolean overwrite, boolean recursive, long limit)
            throws WriteException {
        try (Place src = existing(from); Place dst = target(from, to)) {
            boolean existed = clearTarget(dst, to, overwrite);
            try {
                copyTree(src.dir(), src.name(), to, recursive, limit, true);
            } catch (IOException e) {
                settle(List.of(dst.real()));
                throw WriteException.of(e, to);
            }
            settle(List.of(dst.real()));
            return existed ? WriteResult.REPLACED : WriteResult.CREATED;
        }
    }

    /** Sets a file's modification time (FTP's {@code MFMT}); a link's own, never its target's. */
    public void setModified(DfsPath path, long epochMillis) throws WriteException {
        try (Place p = existing(path)) {
            try {
                Files.getFileAttributeView(p.path(), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.fromMillis(epochMillis), null, null);
            } catch (IOException e) {
                throw WriteException.of(e, path);
            }
            settle(List.of(p.real()));
        }
    }

    private void copyTree(PinnedDirectory parent, String name, DfsPath to, boolean recursive, long limit,
                          boolean top) throws IOException {
        BasicFileAttributes a = parent.lstat(name);
        if (a == null) {
            throw new NoSuchFileException(to.toString());
        }
        if (a.isSymbolicLink()) {
            Path real = DiskNames.child(parent.real(), name).toRealPath();
            if (!root.contains(real) || real.equals(root.dir())) {
                if (top) {
                    throw new AccessDeniedException(to.toString(), null, "resolves outside the dfsroot");
                }
                return; // as the scanner: a link out of the dfsroot is not part of the DFS
            }
            // Walked to again from the root: a link swapped in on the way is not followed a second time.
            String realName = DiskNames.name(real);
            if (realName == null) {
                return; // not UTF-8, and this JVM cannot name it: not part of the DFS either
            }
            try (PinnedDirectory realParent = PinnedDirectory.walk(root.dir(), real.getParent())) {
                BasicFileAttributes target = realParent.lstat(realName);
                if (target != null && !target.isSymbolicLink()) {
                    copyResolved(realParent, realName, target, to, recursive, limit);
                }
            }
            return;
        }
        copyResolved(parent, name, a, to, recursive, limit);
    }

    private void copyResolved(PinnedDirectory parent, String name, BasicFileAttributes a, DfsPath to,
                              boolean recursive, long limit) throws IOException {
        if (a.isRegularFile()) {
            try (Upload u = upload(to, 0, limit);
                 FileChannel in = parent.openRead(name, a.fileKey())) {
                copyInto(in, a.size(), u);
                u.commit();
            }
            return;
        }
        if (!a.isDirectory()) {
            return; // a FIFO, socket or device is no part of the DFS: not copied
        }
        try (Place dst = place(to)) {
            Files.createDirectory(dst.path());
        }
        if (!recursive) {
            return;
        }
        try (PinnedDirectory dir = parent.child(name);
             DirectoryStream<Path> entries = Files.newDirectoryStream(dir.dir())) {
            for (Path child : entries) {
                String n = DiskNames.name(child);
                if (n != null && !LocalRoot.isTemporary(n)) {
                    copyTree(dir, n, to.child(n), true, limit, false);
                }
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
    private Place target(DfsPath from, DfsPath to) throws WriteException {
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
    private boolean clearTarget(Place dst, DfsPath to, boolean overwrite) throws WriteException {
        try {
            if (dst.lstat() == null) {
                return false;
            }
            if (!overwrite) {
                throw new WriteException(WriteException.Kind.EXISTS, "`" + to + "` already exists");
            }
            deleteTree(dst.dir(), dst.name());
            return true;
        } catch (IOException e) {
            throw WriteException.of(e, to);
        }
    }

    /** The place of a path that must exist; not the mount itself. */
    private Place existing(DfsPath path) throws WriteException {
        Place p = place(path);
        try {
            if (p.lstat() == null) {
                throw new NoSuchFileException(path.toString());
            }
        } catch (IOException e) {
            p.close();
            throw WriteException.of(e, path);
        }
        return p;
    }

    /**
     * The place of {@code path}: its parent checked by {@link LocalRoot#place} and then held open by a walk
     * from the root that follows no symlink, so that what is checked is what is written.
     */
    private Place place(DfsPath path) throws WriteException {
        if (LocalRoot.isTemporary(path.name())) {
            throw new WriteException(WriteException.Kind.BAD_NAME,
                    "names starting with " + LocalRoot.TEMP_PREFIX + " are reserved for uploads in progress");
        }
        try {
            Path p = root.place(path);
            return new Place(PinnedDirectory.walk(root.dir(), p.getParent()), path.name());
        } catch (BadPathException e) {
            throw new WriteException(WriteException.Kind.BAD_NAME, e.getMessage());
        } catch (NoSuchFileException e) {
            throw new WriteException(WriteException.Kind.CONFLICT, "the parent of `" + path + "` does not exist", e);
        } catch (IOException e) {
            throw WriteException.of(e, path);
        }
    }

    /** Deletes a file, a link or a directory tree, depth first, each directory held as it is emptied; never follows a link. */
    static void deleteTree(PinnedDirectory parent, String name) throws IOException {
        BasicFileAttributes a = parent.lstat(name);
        if (a == null) {
            return;
        }
        if (a.isDirectory()) {
            try (PinnedDirectory dir = parent.child(name);
                 DirectoryStream<Path> entries = Files.newDirectoryStream(dir.dir())) {
                for (Path child : entries) {
                    String n = DiskNames.name(child);
                    if (n == null) {
                        throw new AccessDeniedException(child.toString(), null, "a name this JVM cannot read as bytes");
                    }
                    deleteTree(dir, n);
                }
            }
        }
        Files.deleteIfExists(parent.resolve(name));
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
