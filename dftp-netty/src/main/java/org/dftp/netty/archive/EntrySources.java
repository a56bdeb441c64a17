package org.dftp.netty.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.RegularFiles;
import org.dftp.core.tree.DfsNode;
import org.dftp.netty.http.RemoteFiles;

/**
 * Opens the bytes of each file of an archive, on the archive's worker thread (blocking is allowed there,
 * never on an event loop): a file this node owns through {@link RegularFiles#openRead}, as every local
 * download, read positionally; any other from its owner through {@link RemoteFiles#open}, the blocking
 * client the FTP server uses for other nodes' files.
 *
 * @param localRoot this node's files, or null when it has none
 */
public record EntrySources(String selfName, LocalRoot localRoot, RemoteFiles remote) {

    /** The bytes of {@code file} at {@code path}: a {@link FileChannel} or an {@link InputStream}. */
    Closeable open(DfsPath path, DfsNode file) throws IOException {
        String owner = file.owner();
        if (owner.equals(selfName) && localRoot != null) {
            return RegularFiles.openRead(localRoot.file(path));
        }
        return remote.open(owner, path);
    }

    /**
     * Reads up to {@code len} bytes at {@code position} of what {@link #open} gave: by position from a local
     * file (no shared channel position to move), in order from a stream. -1 at the end.
     */
    static int read(Closeable source, byte[] buffer, int len, long position) throws IOException {
        if (source instanceof FileChannel file) {
            return file.read(ByteBuffer.wrap(buffer, 0, len), position);
        }
        return ((InputStream) source).read(buffer, 0, len);
    }
}
