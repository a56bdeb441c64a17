package org.dftp.core.cluster;

import java.util.List;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.wire.NodeInfo;

/**
 * A fact that changes the {@link ClusterState}. Events carry their own time (Unix seconds), so the
 * {@link Reducer} never reads a clock and replaying the same events gives the same state.
 */
public sealed interface Event {

    /** This node scanned (full) or observed changes in (incremental) its local tree. */
    record LocalScanned(List<Change> changes, boolean full, long time) implements Event {
        public LocalScanned {
            changes = List.copyOf(changes);
        }
    }

    /** This node scanned its whole local tree: {@code tree} holds its offers, and only its offers. */
    record LocalTreeScanned(DfsTree tree, long time) implements Event {
    }

    /**
     * A peer pushed an update; {@code changes} are already validated and owned by the sender. A full update
     * may come as {@code tree} instead (the sender's offers alone, see {@code UpdateParser}), with no changes.
     */
    record UpdateReceived(String sender, boolean full, long time, List<Change> changes, DfsTree tree) implements Event {
        public UpdateReceived(String sender, boolean full, long time, List<Change> changes) {
            this(sender, full, time, changes, null);
        }

        public UpdateReceived {
            if (tree != null && !full) {
                throw new IllegalArgumentException("only a full update comes as a tree");
            }
        }
    }

    /** A peer greeted us, answered our greeting, or answered a ping: it is alive at these addresses. */
    record PeerSeen(NodeInfo peer, long time) implements Event {
    }

    /** This node pushed an update to a peer. */
    record UpdatePushed(String peer, long time) implements Event {
    }

    /** This node's own addresses became known (the listeners are bound: actual ports replace port 0). */
    record SelfAddresses(String publicAddr, String mgmtAddr) implements Event {
    }

    /** A peer is gone (it stopped answering): it and all its offers are removed. */
    record PeerRemoved(String peer, long time) implements Event {
    }
}
