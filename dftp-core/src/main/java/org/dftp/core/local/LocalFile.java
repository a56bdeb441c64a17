package org.dftp.core.local;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * A regular local file checked to lie inside the dfsroot, with the attributes read by that check.
 *
 * @param root the real path of the dfsroot it lies in: {@link RegularFiles#openRead(LocalFile)} walks down
 *             from it one component at a time
 * @param path a symlink-free path to it below {@code root}: open it with {@link RegularFiles#openRead(LocalFile)},
 *             so that a symlink swapped in after the check, at any component, is refused rather than followed
 * @param size its size in bytes when checked
 * @param lastModified its modification time when checked, Unix seconds
 * @param modifiedNanos its modification time in nanoseconds, as precise as the file system keeps it
 * @param fileKey what identifies the file on its device (device and inode on Linux), or null
 */
public record LocalFile(Path root, Path path, long size, long lastModified, long modifiedNanos, Object fileKey) {

    static LocalFile of(Path root, Path path, BasicFileAttributes a) {
        long nanos = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        return new LocalFile(root, path, a.size(), Math.floorDiv(nanos, 1_000_000_000L), nanos, a.fileKey());
    }

    /** Whether both describe the same content: same file, size and modification time. */
    public boolean sameVersionAs(LocalFile o) {
        return o != null && size == o.size && modifiedNanos == o.modifiedNanos && java.util.Objects.equals(fileKey, o.fileKey);
    }
}
