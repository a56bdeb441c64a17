package org.dftp.core.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Opens a file to serve it, and only a regular file below the dfsroot, without ever blocking: the one place
 * every download (HTTP and FTP) opens a local file.
 *
 * <p>Why: a user who can write inside the dfsroot can swap things between {@link LocalRoot#file}'s check and
 * the open. A directory in the middle of the path swapped for a symlink to an outside directory would be
 * followed by any open of the whole path, {@code O_NOFOLLOW} or not (it only covers the last component); a
 * file swapped for a FIFO would block a plain {@code open(O_RDONLY)} until a writer comes, and on an event
 * loop that stops every connection it serves. So the file is reached from a descriptor of the root, one
 * {@code openat(O_NOFOLLOW)} per component (a symlink anywhere below the root fails the walk), the last with
 * {@code O_NONBLOCK} (a FIFO opens at once); its type and identity are checked on the descriptor itself, and
 * only the regular file that was checked is reopened through {@code /proc/self/fd} as the channel the caller
 * reads: the same inode, whatever happens to the names meanwhile. Where the JDK's dispatcher is not open to
 * dftp ({@link DirectStat#AVAILABLE}), the public API's {@code NOFOLLOW_LINKS} open is the fallback.
 * Called on event loops and FTP threads; holds no state.
 */
public final class RegularFiles {
    private static final int O_RDONLY = 0;
    private static final int O_NONBLOCK = 04000;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;
    /** A descriptor that only names a directory to walk from: needs search permission, never read. */
    private static final int O_PATH = 010000000;
    private static final int DIRECTORY_STEP = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    private static final int FILE_STEP = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC;
    private static final Path PROC_FDS = Path.of("/proc/self/fd");
    private static final boolean NON_BLOCKING = DirectStat.AVAILABLE && Files.isDirectory(PROC_FDS);

    private RegularFiles() {
    }

    /**
     * A read-only channel on the file {@link LocalRoot#file} checked, or a refusal when what is at its name
     * now is not that regular file, or is reached through a symlink.
     *
     * @throws NoSuchFileException when it is missing, reached through a symlink, not a regular file, or
     *                             another file than the one checked
     * @throws AccessDeniedException when it cannot be read
     */
    public static FileChannel openRead(LocalFile file) throws IOException {
        Path root = file.root();
        Path path = file.path();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new NoSuchFileException(path.toString(), null, "not below the dfsroot");
        }
        if (!NON_BLOCKING) {
            // A check by name after the open would not be of the opened file: LocalRoot's check stands.
            return FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
        int fd = openBeneath(root, root.relativize(path), path);
        try {
            Path self = PROC_FDS.resolve(Integer.toString(fd));
            BasicFileAttributes opened = Files.readAttributes(self, BasicFileAttributes.class);
            if (!opened.isRegularFile()) {
                throw new NoSuchFileException(path.toString(), null, "not a regular file");
            }
            if (file.fileKey() != null && !Objects.equals(file.fileKey(), opened.fileKey())) {
                // Swapped between the check and the open: its size and dates are not this file's.
                throw new NoSuchFileException(path.toString(), null, "replaced while being opened");
            }
            return FileChannel.open(self, StandardOpenOption.READ);
        } finally {
            DirectStat.closeFd(fd);
        }
    }

    /** The descriptor of {@code rel} below {@code root}, reached without following a symlink at any step. */
    private static int openBeneath(Path root, Path rel, Path path) throws IOException {
        int dir = refused(path, () -> DirectStat.openAbsolute(root, DIRECTORY_STEP));
        try {
            int last = rel.getNameCount() - 1;
            for (int i = 0; i < last; i++) {
                String name = rel.getName(i).toString();
                int from = dir;
                int next = refused(path, () -> DirectStat.openAt(from, name, DIRECTORY_STEP));
                DirectStat.closeFd(dir);
                dir = next;
            }
            int from = dir;
            return refused(path, () -> DirectStat.openAt(from, rel.getName(last).toString(), FILE_STEP));
        } finally {
            DirectStat.closeFd(dir);
        }
    }

    private interface Open {
        int fd() throws IOException;
    }

    /** Errno's text as the exception callers answer: permission apart, nothing to serve. */
    private static int refused(Path path, Open open) throws IOException {
        try {
            return open.fd();
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Permission denied")) {
                throw new AccessDeniedException(path.toString(), null, m);
            }
            // Missing, a symlink swapped in (ELOOP, ENOTDIR), or not a directory on the way.
            throw new NoSuchFileException(path.toString(), null, m);
        }
    }
}
