package org.dftp.ftp;

import java.util.Objects;
import java.util.function.Supplier;
import org.apache.ftpserver.ftplet.FileSystemFactory;
import org.apache.ftpserver.ftplet.FileSystemView;
import org.apache.ftpserver.ftplet.User;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.DfsTree;

/**
 * The DFS as an Apache MINA FtpServer file system: every session gets a view that starts at the DFS root
 * and reads the latest tree snapshot on each command. {@link DfsFtpServer} installs it; an application with
 * an FtpServer of its own can install it too, read-only: writes are made by {@link DfsFtpServer}'s own
 * write commands, which MINA's do not know.
 */
public final class DfsFileSystemFactory implements FileSystemFactory {
    private final Supplier<DfsTree> tree;
    private final DfsFileOpener opener;
    private final DfsWrites writes;

    /**
     * @param nodeName this node's name: files whose winning owner it is are read from {@code localRoot}
     * @param tree the latest snapshot of the DFS, e.g. {@code () -> store.snapshot().tree()}
     * @param localRoot this node's own tree
     * @param remote reads the files of other nodes
     */
    public DfsFileSystemFactory(String nodeName, Supplier<DfsTree> tree, LocalRoot localRoot, RemoteFileSource remote) {
        this(nodeName, tree, localRoot, remote, FtpWrites.readOnly());
    }

    DfsFileSystemFactory(String nodeName, Supplier<DfsTree> tree, LocalRoot localRoot, RemoteFileSource remote,
                         FtpWrites writes) {
        this.tree = Objects.requireNonNull(tree, "tree");
        this.opener = new DfsFileOpener(nodeName, localRoot, remote);
        this.writes = new DfsWrites(nodeName, tree, localRoot, writes);
    }

    /** Every user sees the whole DFS (a user's prefix bounds only where they write); null is anonymous. */
    @Override
    public FileSystemView createFileSystemView(User user) {
        return new DfsFileSystemView(tree, opener, writes, FtpUser.rightsOf(user));
    }
}
