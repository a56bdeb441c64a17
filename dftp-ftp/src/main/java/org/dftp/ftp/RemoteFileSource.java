package org.dftp.ftp;

import java.io.IOException;
import java.io.InputStream;
import org.dftp.core.DfsPath;

/**
 * Reads a file that another node of the cluster owns. The node implements it with its peer client
 * (a request to the owner's public API, with a range starting at {@code offset}); FTP only ever asks
 * for files whose winning owner is not this node.
 *
 * <p>MINA FtpServer transfers on its own threads with blocking streams, so the stream blocks until the
 * owner sends more; it should read from the owner only as fast as the FTP client drains it. A stream that
 * also implements {@link ByteBufferSource} has its buffers written to binary transfers as they are.
 */
@FunctionalInterface
public interface RemoteFileSource {

    /**
     * Opens the file from its owner.
     *
     * @param owner the name of the node that owns {@code path}
     * @param path the file's DFS path
     * @param offset the first byte to send (a {@code REST} offset), 0 or more; at or past the end of the
     *     file the stream is empty
     * @return the bytes from {@code offset} to the end; closing it releases the connection to the owner
     * @throws IOException when the owner cannot be reached or no longer has the file
     */
    InputStream open(String owner, DfsPath path, long offset) throws IOException;

    /**
     * A source for a node that has no peers to read from: every open fails.
     *
     * @return a source that always throws {@link IOException}
     */
    static RemoteFileSource none() {
        return (owner, path, offset) -> {
            throw new IOException(path + " is owned by " + owner + ", and this node cannot read from peers");
        };
    }
}
