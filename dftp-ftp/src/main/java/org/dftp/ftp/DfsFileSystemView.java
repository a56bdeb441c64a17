package org.dftp.ftp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.ftpserver.ftplet.FileSystemView;
import org.apache.ftpserver.ftplet.FtpException;
import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.User;
import org.dftp.core.tree.DfsTree;

/**
 * One FTP session's view of the DFS: the working directory, and the latest tree snapshot for every
 * lookup, so each command sees the cluster as it is now.
 *
 * <p>{@link #resolve} is where an FTP argument becomes a {@link DfsPath}: FTP's own {@code .} and
 * {@code ..} navigation is applied here, anything that would climb above the DFS root is refused, and
 * every other check is {@link DfsPath#of}'s.
 *
 * <p>It also knows whose session it is: the write commands ask {@link #writes()} to write as {@link #user()}.
 */
final class DfsFileSystemView implements FileSystemView {
    private final Supplier<DfsTree> tree;
    private final DfsFileOpener opener;
    private final DfsWrites writes;
    private final User user;
    private DfsPath cwd = DfsPath.ROOT; // one session's commands run one at a time (MINA orders them)

    DfsFileSystemView(Supplier<DfsTree> tree, DfsFileOpener opener, DfsWrites writes, User user) {
        this.tree = tree;
        this.opener = opener;
        this.writes = writes;
        this.user = user;
    }

    /** The writes of this server, to be made as {@link #user()}. */
    DfsWrites writes() {
        return writes;
    }

    /** Who logged in to this session. */
    User user() {
        return user;
    }

    /** The working directory. */
    DfsPath cwd() {
        return cwd;
    }

    /**
     * The DFS path an FTP argument names, relative to {@code cwd} unless it starts with {@code /}.
     *
     * @param cwd the working directory
     * @param argument the path as the client sent it; null or empty means {@code cwd}
     * @return the normalized path
     * @throws BadPathException when it climbs above the root or {@link DfsPath#of} refuses it
     */
    static DfsPath resolve(DfsPath cwd, String argument) {
        if (argument == null || argument.isEmpty()) {
            return cwd;
        }
        if (argument.length() > DfsPath.MAX_PATH_BYTES) {
            throw new BadPathException("path too long");
        }
        List<String> segments = new ArrayList<>(argument.startsWith("/") ? List.of() : cwd.segments());
        for (String segment : argument.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw new BadPathException("path leads out of the DFS root");
                }
                segments.remove(segments.size() - 1);
            } else {
                segments.add(segment);
            }
        }
        return DfsPath.of(String.join("/", segments));
    }

    /** {@link #resolve} against this session's working directory. */
    DfsPath resolve(String argument) {
        return resolve(cwd, argument);
    }

    /** The entry at {@code path} in the current snapshot, absent or not. */
    DfsFtpFile file(DfsPath path) {
        return new DfsFtpFile(path, tree.get().lookup(path), opener);
    }

    @Override
    public DfsFtpFile getHomeDirectory() {
        return file(DfsPath.ROOT);
    }

    @Override
    public DfsFtpFile getWorkingDirectory() {
        return file(cwd);
    }

    @Override
    public boolean changeWorkingDirectory(String dir) {
        DfsPath target;
        try {
            target = resolve(dir == null || dir.isEmpty() ? "/" : dir);
        } catch (BadPathException e) {
            return false;
        }
        if (!file(target).isDirectory()) {
            return false;
        }
        cwd = target;
        return true;
    }

    /** @throws FtpException with the reason when the argument is refused (see {@link #resolve}) */
    @Override
    public DfsFtpFile getFile(String file) throws FtpException {
        try {
            return file(resolve(file));
        } catch (BadPathException e) {
            throw new FtpException(e.getMessage(), e);
        }
    }

    /** Any offset can be read: local files seek, remote ones are asked for a range. */
    @Override
    public boolean isRandomAccessible() {
        return true;
    }

    @Override
    public void dispose() {
        // Nothing to release: the view holds no file, only the latest snapshot's supplier.
    }
}
