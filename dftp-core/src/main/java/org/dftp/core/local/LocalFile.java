package org.dftp.core.local;

import java.nio.file.Path;

/**
 * A regular local file checked to lie inside the dfsroot, with the attributes read by that check.
 *
 * @param path a symlink-free path to it: open it with {@code LinkOption.NOFOLLOW_LINKS}, so that a
 *             symlink swapped in after the check is refused rather than followed
 * @param size its size in bytes when checked
 * @param lastModified its modification time when checked, Unix seconds
 */
public record LocalFile(Path path, long size, long lastModified) {
}
