package org.dftp.core.write;

import java.util.Objects;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;

/**
 * Which node carries out a write: the rule every node computes alike from its tree, so that a request sent
 * to any node ends on the same disk. Pure; no I/O.
 *
 * <ul>
 *   <li>An existing file: the owner of its winning offer, the node that serves it to readers. The new
 *       content is then what readers get.</li>
 *   <li>An existing directory, or the deepest existing ancestor of a path that does not exist yet: this
 *       node when it holds that directory on its own disk (it offers it, below its {@code -dfsmount}, or it
 *       is the mount itself), so that a write through a node that has the directory stays local; otherwise
 *       the owner of the directory's winning offer. Offers are ordered the same on every node (the latest
 *       {@code LastInfoUpdated}, then the node name), so all nodes that do not hold it pick the same one.</li>
 *   <li>An ancestor that is a file: refused ({@link WriteException.Kind#CONFLICT}); a directory that no node
 *       offers (the root, when no node mounts its tree there): refused ({@code FORBIDDEN}).</li>
 * </ul>
 */
public final class WriteRoute {
    /** Where a write goes. */
    public sealed interface Decision permits Local, Remote, Refused {
    }

    /** This node writes it. */
    public record Local() implements Decision {
    }

    /** Forward it to {@code owner}. */
    public record Remote(String owner) implements Decision {
    }

    /** No node can write there. */
    public record Refused(WriteException why) implements Decision {
    }

    private static final Local LOCAL = new Local();

    private WriteRoute() {
    }

    /**
     * @param self this node's name
     * @param selfMount where this node's local tree appears in the DFS, or null when it has none
     */
    public static Decision of(DfsTree tree, DfsPath target, String self, DfsPath selfMount) {
        Objects.requireNonNull(target, "target");
        DfsPath p = target;
        DfsNode node = tree.lookup(p);
        while (node == null) {
            p = p.parent();
            node = tree.lookup(p);
        }
        if (!node.isDirectory()) {
            if (p.equals(target)) {
                String owner = node.offer().owner();
                return owner.equals(self) ? LOCAL : new Remote(owner);
            }
            return new Refused(new WriteException(WriteException.Kind.CONFLICT, "`" + p + "` is a file"));
        }
        return holder(node, p, self, selfMount);
    }

    private static Decision holder(DfsNode dir, DfsPath path, String self, DfsPath selfMount) {
        // A directory nobody offers under our mount is one implied by its entries for a moment (a file
        // settled before the directory's own offer): it can only be ours.
        if (selfMount != null && path.startsWith(selfMount)
                && (path.equals(selfMount) || dir.offer() == null || Offer.find(dir.offer(), self) != null)) {
            return LOCAL;
        }
        Offer winner = dir.offer();
        if (winner == null) {
            return new Refused(new WriteException(WriteException.Kind.FORBIDDEN,
                    "no node keeps its files in `" + path + "`; write below one of its directories"));
        }
        return winner.owner().equals(self) ? LOCAL : new Remote(winner.owner());
    }
}
