package org.dftp.core.write;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.dftp.core.local.DiskNames;
import org.dftp.core.local.PinnedDirectory;

/**
 * A name in a directory held open below the dfsroot ({@link PinnedDirectory}): where one write happens. Every
 * operation goes through {@link #path()}, resolved from the held directory, so a directory on the way swapped
 * for a symlink meanwhile changes nothing; {@link #real()} is for telling the store what changed. Closing it
 * releases the directory. Owned by the thread carrying out the write.
 */
record Place(PinnedDirectory dir, String name) implements AutoCloseable {

    /** The path to operate on; its last component is never followed by the operations that use it. */
    Path path() {
        return dir.resolve(name);
    }

    /** The real path, as the scanner and the store name it. */
    Path real() {
        return DiskNames.child(dir.real(), name);
    }

    /** Its attributes, not following a link; null when nothing is there. */
    BasicFileAttributes lstat() throws IOException {
        return dir.lstat(name);
    }

    @Override
    public void close() {
        dir.close();
    }
}
