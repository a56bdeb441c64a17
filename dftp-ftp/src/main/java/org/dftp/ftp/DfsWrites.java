package org.dftp.ftp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Supplier;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.User;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.write.LocalWrites;
import org.dftp.core.write.Upload;
import org.dftp.core.write.WriteException;
import org.dftp.core.write.WriteException.Kind;
import org.dftp.core.write.WriteRoute;

/**
 * Every write an FTP client makes, checked and carried out where it must be: the one place that asks whether
 * the server takes writes and whether the user may write there ({@link #check}, before any write, both ends
 * of a rename included), then where the write goes ({@link WriteRoute}): this node's disk through
 * {@link LocalWrites}, another node through {@link RemoteWrites}. Failures are {@link IOException}s whose
 * kind {@link WriteReplies} turns into the FTP reply.
 *
 * <p>Every method reads the latest tree snapshot and blocks on the disk or the owner; FTP calls them from
 * the session's thread.
 */
final class DfsWrites {
    private final String nodeName;
    private final Supplier<DfsTree> tree;
    private final DfsPath mount;
    private final FtpWrites options;

    DfsWrites(String nodeName, Supplier<DfsTree> tree, LocalRoot localRoot, FtpWrites options) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.tree = Objects.requireNonNull(tree, "tree");
        this.mount = localRoot.mount();
        this.options = Objects.requireNonNull(options, "options");
    }

    boolean writable() {
        return options.writable();
    }

    /**
     * The path an FTP write command names: refused first of all when the server is read-only, so that the
     * client learns that before anything about its argument.
     *
     * @throws WriteException {@code FORBIDDEN} on a read-only server, {@code BAD_NAME} for a path
     *     {@link DfsFileSystemView#resolve} refuses
     */
    DfsPath target(DfsPath cwd, String argument) throws WriteException {
        readOnlyCheck();
        try {
            return DfsFileSystemView.resolve(cwd, argument);
        } catch (BadPathException e) {
            throw new WriteException(Kind.BAD_NAME, "path refused: " + e.getMessage());
        }
    }

    /**
     * Whether {@code user} may change {@code path}: the server takes writes, the name is one a client may
     * write (not the root, not an upload's temporary name), and the user's rights reach it. Every write below
     * passes here first.
     */
    void check(User user, DfsPath path) throws WriteException {
        readOnlyCheck();
        if (path.isRoot()) {
            throw new WriteException(Kind.FORBIDDEN, "the root of the DFS cannot be changed");
        }
        if (LocalRoot.isTemporary(path.name())) {
            throw new WriteException(Kind.BAD_NAME,
                    "names starting with " + LocalRoot.TEMP_PREFIX + " are reserved for uploads in progress");
        }
        if (user.mayWrite(path)) {
            return;
        }
        if (user == User.ANONYMOUS || !user.mayWrite()) {
            throw new WriteException(Kind.FORBIDDEN, user == User.ANONYMOUS
                    ? "anonymous users may only read; log in as a dftp user to write"
                    : "user " + user.name() + " may only read");
        }
        throw new WriteException(Kind.FORBIDDEN,
                "user " + user.name() + " may not write to " + path + ", only below " + user.prefix());
    }

    private void readOnlyCheck() throws WriteException {
        if (!options.writable()) {
            throw new WriteException(Kind.FORBIDDEN, "this dftp server is read-only");
        }
    }

    /** A name for {@code STOU}: {@code base} when nothing is there, else {@code base.1}, {@code base.2}... */
    DfsPath unique(DfsPath base) {
        DfsTree t = tree.get();
        if (t.lookup(base) == null) {
            return base;
        }
        for (int i = 1; ; i++) {
            DfsPath p = base.parent().child(base.name() + "." + i);
            if (t.lookup(p) == null) {
                return p;
            }
        }
    }

    /**
     * Starts an upload to {@code path}.
     *
     * @param keep bytes of the current file the new one starts with ({@code REST}); ignored when
     *     {@code append}
     * @param append whether the new file starts with all of the current one ({@code APPE})
     */
    UploadStream upload(User user, DfsPath path, long keep, boolean append) throws IOException {
        check(user, path);
        DfsNode node = tree.get().lookup(path);
        if (node != null && node.isDirectory()) {
            throw new WriteException(Kind.WRONG_TYPE, "`" + path + "` is a directory");
        }
        long limit = options.uploadLimit();
        String owner = owner(path);
        if (owner == null) {
            return new LocalUpload(local().upload(path, append ? localSize(path) : keep, limit));
        }
        long k = append ? (node == null ? 0 : node.size()) : keep;
        return new Limited(remote(owner, path).upload(owner, path, k, user.name()), path, k, limit);
    }

    /** {@code MKD}. */
    void mkdir(User user, DfsPath path) throws IOException {
        check(user, path);
        if (tree.get().lookup(path) != null) {
            throw new WriteException(Kind.EXISTS, "`" + path + "` already exists");
        }
        String owner = owner(path);
        if (owner == null) {
            local().mkdir(path);
        } else {
            remote(owner, path).mkdir(owner, path, user.name());
        }
    }

    /** {@code DELE}: a file, never a directory. */
    void deleteFile(User user, DfsPath path) throws IOException {
        check(user, path);
        DfsNode node = existing(path);
        if (node.isDirectory()) {
            throw new WriteException(Kind.WRONG_TYPE, "`" + path + "` is a directory (RMD removes directories)");
        }
        String owner = owner(path);
        if (owner != null) {
            remote(owner, path).delete(owner, path, user.name());
            return;
        }
        local().deleteFile(path); // unlink(2): a directory that took the name meanwhile is refused, not emptied
    }

    /** {@code RMD}: an empty directory, as {@code rmdir(2)} removes one. */
    void removeDirectory(User user, DfsPath path) throws IOException {
        check(user, path);
        DfsNode node = existing(path);
        if (!node.isDirectory()) {
            throw new WriteException(Kind.WRONG_TYPE, "`" + path + "` is not a directory (DELE removes files)");
        }
        if (!node.children().isEmpty()) {
            throw notEmpty(path);
        }
        String owner = owner(path);
        if (owner != null) {
            remote(owner, path).delete(owner, path, user.name());
            return;
        }
        // rmdir(2): the disk may hold more than the tree shows (an upload in progress, a name the DFS skips),
        // and a directory that holds anything is refused.
        local().removeDirectory(path);
    }

    private static WriteException notEmpty(DfsPath path) {
        return new WriteException(Kind.CONFLICT, "Directory not empty: `" + path + "`");
    }

    /** {@code RNFR}: the source of a rename must exist and be the user's to change. */
    void checkRenameSource(User user, DfsPath from) throws WriteException {
        check(user, from);
        existing(from);
    }

    /**
     * {@code RNTO}: renames within one node, replacing a file at {@code to} as {@code rename(2)} does, never a
     * directory.
     */
    void move(User user, DfsPath from, DfsPath to) throws IOException {
        check(user, from);
        check(user, to);
        existing(from);
        if (from.equals(to)) {
            return;
        }
        if (to.startsWith(from)) {
            throw new WriteException(Kind.CONFLICT, "`" + to + "` lies inside `" + from + "`");
        }
        DfsNode target = tree.get().lookup(to);
        if (target != null && target.isDirectory()) {
            throw new WriteException(Kind.EXISTS, "`" + to + "` is a directory that already exists");
        }
        String source = owner(from);
        String destination = owner(to);
        if (!Objects.equals(source, destination)) {
            throw new WriteException(Kind.FORBIDDEN, "`" + from + "` is kept by node "
                    + Objects.requireNonNullElse(source, nodeName) + " and `" + to + "` would be kept by node "
                    + Objects.requireNonNullElse(destination, nodeName) + ": dftp renames within one node only");
        }
        if (source == null) {
            local().move(from, to, true);
        } else {
            remote(source, from).move(source, from, to, user.name());
        }
    }

    /** {@code MFMT}. */
    void setModified(User user, DfsPath path, long epochMillis) throws IOException {
        check(user, path);
        existing(path);
        String owner = owner(path);
        if (owner == null) {
            local().setModified(path, epochMillis);
        } else {
            remote(owner, path).setModified(owner, path, epochMillis, user.name());
        }
    }

    /**
     * Which node carries out a write to {@code path} ({@link WriteRoute}): null for this one, else the owner.
     *
     * @throws WriteException when no node can
     */
    private String owner(DfsPath path) throws WriteException {
        WriteRoute.Decision d = WriteRoute.of(tree.get(), path, nodeName, mount);
        if (d instanceof WriteRoute.Refused r) {
            throw r.why();
        }
        return d instanceof WriteRoute.Remote r ? r.owner() : null;
    }

    private DfsNode existing(DfsPath path) throws WriteException {
        DfsNode node = tree.get().lookup(path);
        if (node == null) {
            throw new WriteException(Kind.NOT_FOUND, "`" + path + "` not found");
        }
        return node;
    }

    private LocalWrites local() {
        return options.local();
    }

    private RemoteWrites remote(String owner, DfsPath path) throws OwnerUnavailableException {
        RemoteWrites remote = options.remote();
        if (remote == null) {
            throw new OwnerUnavailableException("`" + path + "` is kept by node " + owner
                    + ", and this node cannot forward writes");
        }
        return remote;
    }

    /** The size of this node's file at {@code path} as the disk has it now: what {@code APPE} keeps. */
    private long localSize(DfsPath path) throws IOException {
        try {
            return local().size(path);
        } catch (WriteException e) {
            return 0; // LocalWrites says what is wrong with the parent
        }
    }

    /** An upload to this node's disk. */
    private static final class LocalUpload extends UploadStream {
        private final Upload upload;
        private boolean ended;

        LocalUpload(Upload upload) {
            this.upload = upload;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (ended) {
                throw new IOException("the upload of " + upload.path() + " has ended");
            }
            try {
                upload.write(ByteBuffer.wrap(b, off, len));
            } catch (IOException | RuntimeException e) {
                abort(); // Upload aborts itself on a failed write; a runtime failure must not leave it open
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            if (ended) {
                return;
            }
            ended = true;
            try {
                upload.commit();
            } catch (RuntimeException e) {
                upload.abort();
                throw e;
            }
        }

        @Override
        public void abort() {
            ended = true;
            upload.abort();
        }
    }

    /** An upload to another node, held to this node's upload limit too. */
    private static final class Limited extends UploadStream {
        private final UploadStream out;
        private final DfsPath path;
        private final long limit;
        private long size;

        Limited(UploadStream out, DfsPath path, long keep, long limit) {
            this.out = out;
            this.path = path;
            this.size = keep;
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (size + len > limit) {
                out.abort();
                throw new WriteException(Kind.TOO_LARGE,
                        "`" + path + "` is larger than the upload limit of " + limit + " bytes");
            }
            try {
                out.write(b, off, len);
            } catch (IOException | RuntimeException e) {
                out.abort();
                throw e;
            }
            size += len;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public void abort() {
            out.abort();
        }
    }
}
