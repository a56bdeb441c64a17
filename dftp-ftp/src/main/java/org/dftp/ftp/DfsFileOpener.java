package org.dftp.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.Objects;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.RegularFiles;
import org.dftp.core.tree.DfsNode;

/**
 * Opens the bytes of a DFS file for {@code RETR}: a file this node owns is read from the local tree
 * through a {@link FileChannel} (the file {@link LocalRoot#file} checked to lie inside the root), any
 * other from its owner through the {@link RemoteFileSource}. Both
 * start at the {@code REST} offset, so a client cannot tell them apart, resume included. A local file
 * comes as a {@link LocalFileStream}, which the data connection sends with {@code sendfile}.
 */
final class DfsFileOpener {
    private final String nodeName;
    private final LocalRoot localRoot;
    private final RemoteFileSource remote;

    DfsFileOpener(String nodeName, LocalRoot localRoot, RemoteFileSource remote) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.localRoot = Objects.requireNonNull(localRoot, "localRoot");
        this.remote = Objects.requireNonNull(remote, "remote");
    }

    /**
     * @param path the file's DFS path
     * @param file its entry in the tree, a file
     * @param offset the first byte to read
     * @return the bytes from {@code offset} on
     * @throws IOException when the file is gone, resolves outside the local root, or its owner fails
     */
    InputStream open(DfsPath path, DfsNode file, long offset) throws IOException {
        if (offset < 0) {
            throw new IOException("negative offset " + offset);
        }
        String owner = file.owner();
        return nodeName.equals(owner) ? openLocal(path, offset) : remote.open(owner, path, offset);
    }

    private InputStream openLocal(DfsPath path, long offset) throws IOException {
        // LocalRoot checked the path; RegularFiles refuses a symlink or FIFO swapped in since, as HTTP does.
        FileChannel channel = RegularFiles.openRead(localRoot.file(path));
        try {
            channel.position(offset); // past the end simply reads nothing, as a resumed complete download should
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new LocalFileStream(channel);
    }
}
