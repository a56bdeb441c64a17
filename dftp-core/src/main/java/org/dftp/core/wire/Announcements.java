package org.dftp.core.wire;

import org.dftp.core.BadPathException;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.Offer;

/**
 * The one place where a {@link FileAnnouncement} from a peer becomes a {@link Change} of the tree, and
 * back. The sender is who owns what it announces: an {@code OwnerNode} naming somebody else is not
 * trusted, since a node pushes only its own files (docs/PROTOCOL.md).
 */
public final class Announcements {
    private Announcements() {
    }

    /**
     * The change an announcement of {@code sender} stands for.
     *
     * @throws BadPathException when {@code FullName} is not an acceptable DFS path
     */
    public static Change toChange(FileAnnouncement a, String sender) {
        if (a.fullName() == null) {
            throw new BadPathException("FullName is missing");
        }
        return toChange(DfsPath.fromWire(a.fullName()), a, sender);
    }

    /**
     * The same, for a caller that already turned {@code a.fullName()} into {@code path} through
     * {@link DfsPath} (a streaming parser does, to share parent paths between siblings); {@code a.fullName()}
     * is not read again.
     *
     * @throws BadPathException when {@code path} is the root
     */
    public static Change toChange(DfsPath path, FileAnnouncement a, String sender) {
        if (path.isRoot()) {
            throw new BadPathException("the root cannot be announced");
        }
        if (a.deletion()) {
            return Change.withdraw(path, sender);
        }
        return Change.offer(path, offer(sender, a.dir(), a.fileMode(), a.sizeInBytes(), a.lastModified(),
                a.lastInfoUpdated()));
    }

    /** The offer an announcement (not a deletion) of {@code sender} stands for: {@code Dir} decides the kind. */
    public static Offer offer(String sender, boolean dir, long fileMode, long size, long lastModified,
                              long lastInfoUpdated) {
        int mode = (int) fileMode;
        if (dir) {
            mode |= Offer.MODE_DIR;
        } else {
            mode &= ~Offer.MODE_DIR;
        }
        return Offer.of(sender, mode, dir ? 0 : size, lastModified, lastInfoUpdated);
    }

    /** The announcement of one offer of a node at {@code path}. */
    public static FileAnnouncement of(DfsPath path, Offer o) {
        return of(path.wire(), path.name(), o);
    }

    /**
     * The announcement of one offer at a path already in wire form; lets a streaming writer that walks
     * the tree with a path buffer skip building a {@link DfsPath} per entry.
     *
     * @param fullName the wire form of the path ({@code somedir/c.jpg})
     * @param basename its last segment ({@code c.jpg})
     */
    public static FileAnnouncement of(String fullName, String basename, Offer o) {
        return new FileAnnouncement(fullName, basename, o.isDirectory(), o.lastModified(), o.infoUpdated(),
                o.isDirectory() ? 0 : o.size(), Integer.toUnsignedLong(o.mode()), o.owner(), false);
    }

    /** The announcement that {@code owner} no longer offers {@code path}. */
    public static FileAnnouncement deletion(DfsPath path, String owner, long time, boolean dir) {
        return new FileAnnouncement(path.wire(), path.name(), dir, 0, time, 0,
                dir ? Integer.toUnsignedLong(Offer.MODE_DIR) : 0, owner, true);
    }

    /** The offer of {@code owner} at a node, or null. */
    public static Offer offerOf(DfsNode node, String owner) {
        return Offer.find(node.offer(), owner);
    }
}
