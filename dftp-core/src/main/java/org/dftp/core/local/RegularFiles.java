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

/**
 * Opens a file to serve it, and only a regular file, without ever blocking: the one place every download
 * (HTTP and FTP) opens a local file.
 *
 * <p>Why: a user who can write inside the dfsroot can swap a file for a FIFO between {@link LocalRoot#file}'s
 * check and the open; a plain {@code open(O_RDONLY)} of a FIFO blocks until a writer comes, and on an event
 * loop that stops every connection it serves. Here the file is opened with
 * {@code O_NOFOLLOW | O_NONBLOCK} (a FIFO opens at once, a symlink swapped in fails), its type checked on
 * the descriptor itself, and only a regular file is reopened through {@code /proc/self/fd} as the channel
 * the caller reads: the same inode, whatever happens to the name meanwhile. Where the JDK's dispatcher is not
 * open to dftp ({@link DirectStat#AVAILABLE}), the public API's {@code NOFOLLOW_LINKS} open is the fallback.
 * Called on event loops and FTP threads; holds no state.
 */
public final class RegularFiles {
    private static final int O_RDONLY = 0;
    private static final int O_NONBLOCK = 04000;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;
    private static final Path PROC_FDS = Path.of("/proc/self/fd");
    private static final boolean NON_BLOCKING = DirectStat.AVAILABLE && Files.isDirectory(PROC_FDS);

    private RegularFiles() {
    }

    /**
     * A read-only channel on the regular file at {@code path} (its last component not a symlink).
     *
     * @throws NoSuchFileException when it is missing, a symlink, or anything but a regular file
     * @throws AccessDeniedException when it cannot be read
     */
    public static FileChannel openRead(Path path) throws IOException {
        if (!NON_BLOCKING) {
            // A check by name after the open would not be of the opened file: LocalRoot's check stands.
            return FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
        int fd;
        try {
            fd = DirectStat.openAbsolute(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Permission denied")) {
                throw new AccessDeniedException(path.toString(), null, m);
            }
            // Missing, or a symlink swapped in (ELOOP): nothing to serve either way.
            throw new NoSuchFileException(path.toString(), null, m);
        }
        try {
            Path self = PROC_FDS.resolve(Integer.toString(fd));
            if (!Files.readAttributes(self, BasicFileAttributes.class).isRegularFile()) {
                throw new NoSuchFileException(path.toString(), null, "not a regular file");
            }
            return FileChannel.open(self, StandardOpenOption.READ);
        } finally {
            DirectStat.closeFd(fd);
        }
    }
}
