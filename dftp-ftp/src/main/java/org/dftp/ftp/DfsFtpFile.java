package org.dftp.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.apache.ftpserver.ftplet.FtpFile;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.Offer;

/**
 * One path of the DFS as MINA FtpServer sees it: the path and the tree entry it had when the command
 * looked it up (null when nothing is there). Immutable, so a listing reads one consistent snapshot.
 *
 * <p>Its write methods all refuse: dftp's own write commands ({@link UploadCommand}, {@link WriteCommands})
 * replace MINA's and write through {@link DfsWrites}, which checks the user and routes each write to the
 * node that must make it. MINA's commands, which would call these, are not installed.
 */
final class DfsFtpFile implements FtpFile {
    /** The group column of listings: the DFS has no groups, and a fixed word keeps parsers happy. */
    static final String GROUP = "dftp";
    /** Owner shown for the entry nobody offers (the root of an empty tree). */
    static final String NO_OWNER = "dftp";

    private final DfsPath path;
    private final DfsNode node;
    private final DfsFileOpener opener;

    DfsFtpFile(DfsPath path, DfsNode node, DfsFileOpener opener) {
        this.path = path;
        this.node = node;
        this.opener = opener;
    }

    DfsPath path() {
        return path;
    }

    /** The permission bits its owner announced; 0755/0644 when it announced none. */
    int permissions() {
        Offer offer = node == null ? null : node.offer();
        if (offer != null && offer.permissions() != 0) {
            return offer.permissions();
        }
        return isDirectory() ? 0755 : 0644;
    }

    @Override
    public String getAbsolutePath() {
        return path.toString();
    }

    @Override
    public String getName() {
        return path.isRoot() ? "/" : path.name();
    }

    /** Nothing is hidden: a mirror of the DFS must get dot files too, as the HTTP listing shows them. */
    @Override
    public boolean isHidden() {
        return false;
    }

    @Override
    public boolean isDirectory() {
        return node != null && node.isDirectory();
    }

    @Override
    public boolean isFile() {
        return node != null && !node.isDirectory();
    }

    @Override
    public boolean doesExist() {
        return node != null;
    }

    @Override
    public boolean isReadable() {
        return node != null;
    }

    @Override
    public boolean isWritable() {
        return false;
    }

    @Override
    public boolean isRemovable() {
        return false;
    }

    /** The node that serves it, or {@code (multiple)} for a directory whose content comes from several. */
    @Override
    public String getOwnerName() {
        String owner = node == null ? null : node.owner();
        return owner == null ? NO_OWNER : owner;
    }

    @Override
    public String getGroupName() {
        return GROUP;
    }

    @Override
    public int getLinkCount() {
        return isDirectory() ? 2 : 1;
    }

    @Override
    public long getLastModified() {
        return node == null ? 0 : node.lastModified() * 1000;
    }

    @Override
    public boolean setLastModified(long time) {
        return false;
    }

    @Override
    public long getSize() {
        return node == null ? 0 : node.size();
    }

    @Override
    public Object getPhysicalFile() {
        return path;
    }

    @Override
    public boolean mkdir() {
        return false;
    }

    @Override
    public boolean delete() {
        return false;
    }

    @Override
    public boolean move(FtpFile destination) {
        return false;
    }

    /**
     * The children, sorted by name as the tree keeps them; a view that wraps each entry on access, so a
     * directory of a million files is never copied to be listed. Null when this is not a directory.
     */
    @Override
    public List<DfsFtpFile> listFiles() {
        if (!isDirectory()) {
            return null;
        }
        List<DfsNode> children = node.children();
        return new Children(children);
    }

    @Override
    public OutputStream createOutputStream(long offset) throws IOException {
        throw new IOException(path + ": this dftp server is read-only");
    }

    @Override
    public InputStream createInputStream(long offset) throws IOException {
        if (!isFile()) {
            throw new IOException(path + ": not a plain file");
        }
        return opener.open(path, node, offset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DfsFtpFile f && f.path.equals(path) && f.node == node;
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path + (node == null ? " (absent)" : isDirectory() ? " (dir)" : " (file)");
    }

    /** A read-only list of the children as {@link DfsFtpFile}s. */
    private final class Children extends AbstractList<DfsFtpFile> implements RandomAccess {
        private final List<DfsNode> children;

        Children(List<DfsNode> children) {
            this.children = children;
        }

        @Override
        public DfsFtpFile get(int index) {
            DfsNode child = children.get(index);
            return new DfsFtpFile(path.child(child.name()), child, opener);
        }

        @Override
        public int size() {
            return children.size();
        }
    }
}
