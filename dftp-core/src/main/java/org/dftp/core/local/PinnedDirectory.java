package org.dftp.core.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A directory below the dfsroot held by a descriptor that was reached from the root without following a
 * symlink at any step, and the names in it: what every local open, upload, rename, deletion and copy works
 * through.
 *
 * <p>Why: a user who can write inside the dfsroot can swap a directory on the way to a name for a symlink to
 * an outside directory at any moment. A check by name and then an operation by path follows it; here the
 * walk opens each directory with {@code openat(O_PATH | O_DIRECTORY | O_NOFOLLOW)} relative to the one before,
 * and every later operation names its entry through {@code /proc/self/fd/N/name}, which the kernel resolves
 * from the held directory itself, never from the names on the way. The last component of each such path is
 * never followed by the operations dftp uses on it ({@code mkdir}, {@code rename}, {@code unlink},
 * {@code rmdir}, {@code open(O_CREAT | O_EXCL)}, {@code O_NOFOLLOW} opens, attributes read without following),
 * so nothing outside the root is read, written or removed whatever is swapped in. Where the JDK's dispatcher
 * is not open to dftp ({@link DirectStat#AVAILABLE}) or there is no {@code /proc}, it falls back to the plain
 * path, checked by name as before.
 *
 * <p>Names are DFS names, given to the disk as {@link DiskNames} says. Not thread-safe; one owner closes it. Blocks on the disk: callers run off event loops, except
 * {@link RegularFiles#openRead}, whose opens never block.
 */
public final class PinnedDirectory implements AutoCloseable {
    private static final int DIRECTORY_STEP = DirectStat.O_PATH | DirectStat.O_DIRECTORY | DirectStat.O_NOFOLLOW
            | DirectStat.O_CLOEXEC;
    private static final int FILE_STEP = DirectStat.O_RDONLY | DirectStat.O_NONBLOCK | DirectStat.O_NOFOLLOW
            | DirectStat.O_CLOEXEC;
    private static final Path PROC_FDS = Path.of("/proc/self/fd");
    /** Whether directories are held by descriptor; otherwise by path, as a fallback. */
    static final boolean BY_DESCRIPTOR = DirectStat.AVAILABLE && Files.isDirectory(PROC_FDS);

    private final int fd;
    private final Path held;
    private final Path real;
    /** A descriptor number is reused by the next open: closing it twice could close someone else's file. */
    private boolean closed;

    private PinnedDirectory(int fd, Path held, Path real) {
        this.fd = fd;
        this.held = held;
        this.real = real;
    }

    /**
     * Walks from {@code root} down to {@code dir}, which must be {@code root} or lie below it, opening each
     * directory on the way relative to the one before and never following a symlink.
     *
     * @throws NotDirectoryException when a component is a symlink or not a directory (swapped since a check)
     * @throws NoSuchFileException when a component is missing
     * @throws AccessDeniedException when a component cannot be searched
     */
    public static PinnedDirectory walk(Path root, Path dir) throws IOException {
        if (!dir.startsWith(root)) {
            throw new AccessDeniedException(dir.toString(), null, "not below the dfsroot");
        }
        if (!BY_DESCRIPTOR) {
            return new PinnedDirectory(-1, dir, dir);
        }
        int at = opened(dir, () -> DirectStat.openAbsolute(root, DIRECTORY_STEP));
        try {
            Path rel = root.relativize(dir);
            if (!dir.equals(root)) {
                for (Path name : rel) {
                    int from = at;
                    int next = opened(dir, () -> DirectStat.openAt(from, DiskNames.bytes(name), DIRECTORY_STEP));
                    DirectStat.closeFd(at);
                    at = next;
                }
            }
        } catch (IOException | RuntimeException e) {
            DirectStat.closeFd(at);
            throw e;
        }
        return new PinnedDirectory(at, PROC_FDS.resolve(Integer.toString(at)), dir);
    }

    /** The directory {@code name} in this one, reached without following a symlink. */
    public PinnedDirectory child(String name) throws IOException {
        Path realChild = DiskNames.child(real, name);
        if (fd < 0) {
            return new PinnedDirectory(-1, realChild, realChild);
        }
        int at = opened(realChild, () -> DirectStat.openAt(fd, name, DIRECTORY_STEP));
        return new PinnedDirectory(at, PROC_FDS.resolve(Integer.toString(at)), realChild);
    }

    /** The path to operate on the directory itself by: list it, create a file in it, {@code fsync} it. */
    public Path dir() {
        return held;
    }

    /** The path that names {@code name} in this very directory; its last component is for the caller not to follow. */
    public Path resolve(String name) {
        return DiskNames.child(held, name);
    }

    /** The directory's real path, as the scanner and the store name it; for what changed, and for logs. */
    public Path real() {
        return real;
    }

    /** {@code name}'s attributes, not following a link; null when there is nothing by that name. */
    public BasicFileAttributes lstat(String name) throws IOException {
        try {
            return Files.readAttributes(resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * A read-only channel on the regular file {@code name}, opened without blocking (a FIFO opens at once and
     * is refused) and without following a link, its type checked on the descriptor.
     *
     * @param expectedKey the file key it must have (the file that was checked), or null for any
     * @throws NoSuchFileException when it is missing, a link, not a regular file, or not the expected file
     */
    public FileChannel openRead(String name, Object expectedKey) throws IOException {
        Path realFile = DiskNames.child(real, name);
        if (fd < 0) {
            return FileChannel.open(realFile, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
        int file;
        try {
            file = DirectStat.openAt(fd, name, FILE_STEP);
        } catch (IOException e) {
            throw refusal(realFile, e, false);
        }
        try {
            Path self = PROC_FDS.resolve(Integer.toString(file));
            BasicFileAttributes a = Files.readAttributes(self, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                throw new NoSuchFileException(realFile.toString(), null, "not a regular file");
            }
            if (expectedKey != null && !Objects.equals(expectedKey, a.fileKey())) {
                // Swapped between the check and the open: its size and dates are not this file's.
                throw new NoSuchFileException(realFile.toString(), null, "replaced while being opened");
            }
            // Reopened through the descriptor: the same inode, whatever happens to the name meanwhile.
            return FileChannel.open(self, StandardOpenOption.READ);
        } finally {
            DirectStat.closeFd(file);
        }
    }

    /** Releases the descriptor; once, whatever the number of calls. */
    @Override
    public void close() {
        if (fd >= 0 && !closed) {
            closed = true;
            DirectStat.closeFd(fd);
        }
    }

    private interface Open {
        int fd() throws IOException;
    }

    private static int opened(Path what, Open open) throws IOException {
        try {
            return open.fd();
        } catch (IOException e) {
            throw refusal(what, e, true);
        }
    }

    /** Errno's text as the exception callers answer. */
    private static IOException refusal(Path what, IOException e, boolean directory) {
        String m = String.valueOf(e.getMessage());
        if (OutOfDescriptorsException.says(m)) {
            return new OutOfDescriptorsException(what.toString(), m);
        }
        if (m.contains("Permission denied")) {
            return new AccessDeniedException(what.toString(), null, m);
        }
        if (directory && (m.contains("symbolic links") || m.contains("Not a directory"))) {
            // A symlink (ELOOP, or ENOTDIR under O_PATH) or a file where a directory was checked.
            return new NotDirectoryException(what + ": " + m);
        }
        // Missing, a symlink swapped in for the file (ELOOP): nothing to open either way.
        return new NoSuchFileException(what.toString(), null, m);
    }
}
