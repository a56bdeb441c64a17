package org.dftp.core.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Opens a file to serve it, and only a regular file below the dfsroot, without ever blocking: the one place
 * every download (HTTP and FTP) opens a local file.
 *
 * <p>Why: a user who can write inside the dfsroot can swap things between {@link LocalRoot#file}'s check and
 * the open. A directory in the middle of the path swapped for a symlink to an outside directory would be
 * followed by any open of the whole path, {@code O_NOFOLLOW} or not (it only covers the last component); a
 * file swapped for a FIFO would block a plain {@code open(O_RDONLY)} until a writer comes, and on an event
 * loop that stops every connection it serves. So the file's directory is reached from the root by
 * {@link PinnedDirectory#walk} (a symlink anywhere below the root fails it) and the file opened in it by
 * {@link PinnedDirectory#openRead}: {@code O_NOFOLLOW | O_NONBLOCK}, its type and identity checked on the
 * descriptor, reopened through {@code /proc/self/fd}. Called on event loops and FTP threads; holds no state.
 */
public final class RegularFiles {

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
        Path path = file.path();
        if (!path.startsWith(file.root()) || path.equals(file.root())) {
            throw new NoSuchFileException(path.toString(), null, "not below the dfsroot");
        }
        String name = DiskNames.name(path);
        if (name == null) {
            throw new NoSuchFileException(path.toString(), null, "a name this JVM cannot read as bytes");
        }
        try (PinnedDirectory dir = PinnedDirectory.walk(file.root(), path.getParent())) {
            return dir.openRead(name, file.fileKey());
        } catch (NotDirectoryException e) {
            throw new NoSuchFileException(path.toString(), null, e.getMessage());
        }
    }
}
