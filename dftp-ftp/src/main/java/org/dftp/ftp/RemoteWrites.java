package org.dftp.ftp;

import java.io.IOException;
import org.dftp.core.DfsPath;

/**
 * Carries out writes on the node that must make them: the owner of the file, or the node that holds the
 * directory a new entry goes into ({@link org.dftp.core.write.WriteRoute}). FTP calls it for every write
 * whose route is another node; the node implements it with requests to that node's public HTTP API
 * ({@code org.dftp.netty.proxy.PeerWrites}).
 *
 * <p>Every method blocks until the owner has answered: FTP sessions run on threads of their own. The
 * user is the FTP user's name, whom this node has authenticated and vouches for; the owner may check its
 * own rules too.
 *
 * <p>Failures: a {@link org.dftp.core.write.WriteException} when the owner refused or failed, with the
 * {@link org.dftp.core.write.WriteException.Kind Kind} of its answer; an {@link OwnerUnavailableException}
 * when it could not be reached or cannot serve now; any other {@link IOException} for anything else.
 */
public interface RemoteWrites {

    /**
     * Starts an upload to {@code owner}: the bytes written to the stream go to the owner as they come, and
     * its {@link UploadStream#close()} returns once the owner has the whole file in place.
     *
     * @param keep bytes of the owner's current file that the new one starts with ({@code REST}+{@code STOR},
     *     {@code APPE}); 0 for a new content
     */
    UploadStream upload(String owner, DfsPath path, long keep, String user) throws IOException;

    /** Creates the directory {@code path} on {@code owner}; its parent must exist there. */
    void mkdir(String owner, DfsPath path, String user) throws IOException;

    /** Deletes the file or directory {@code path} on {@code owner} (a directory with all it holds). */
    void delete(String owner, DfsPath path, String user) throws IOException;

    /** Renames {@code from} to {@code to} on {@code owner}, replacing a file at {@code to}. */
    void move(String owner, DfsPath from, DfsPath to, String user) throws IOException;

    /** Sets the modification time of {@code path} on {@code owner}, to the second. */
    void setModified(String owner, DfsPath path, long epochMillis, String user) throws IOException;
}
