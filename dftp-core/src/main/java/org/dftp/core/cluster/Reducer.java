package org.dftp.core.cluster;

import java.util.ArrayList;
import java.util.List;
import org.dftp.core.cluster.Event.LocalScanned;
import org.dftp.core.cluster.Event.LocalTreeScanned;
import org.dftp.core.cluster.Event.PeerRemoved;
import org.dftp.core.cluster.Event.PeerSeen;
import org.dftp.core.cluster.Event.SelfAddresses;
import org.dftp.core.cluster.Event.UpdatePushed;
import org.dftp.core.cluster.Event.UpdateReceived;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.wire.NodeInfo;

/**
 * The only code that changes the cluster state: a pure function of the state and one event, with no
 * I/O and no clock. It returns the same instance when the event changes nothing. Side effects that
 * follow (push an update, greet a peer) are decided by callers from the new state.
 */
public final class Reducer {
    private Reducer() {
    }

    public static ClusterState apply(ClusterState s, Event e) {
        if (e instanceof LocalScanned ls) {
            DfsTree t = ls.full() ? s.tree().replaceOwner(s.selfName(), ls.changes()) : s.tree().apply(ls.changes());
            return s.withTree(t);
        }
        if (e instanceof LocalTreeScanned lt) {
            return s.withTree(s.tree().replaceOwner(s.selfName(), lt.tree()));
        }
        if (e instanceof UpdateReceived u) {
            NodeInfo peer = s.peer(u.sender());
            if (peer == null) {
                return s; // docs/PROTOCOL.md: an update from an unknown sender is ignored
            }
            DfsTree t;
            if (u.tree() != null) {
                t = s.tree().replaceOwner(u.sender(), u.tree()); // refuses a tree with anybody else's offers
            } else {
                List<Change> own = ownedBy(u.sender(), u.changes());
                t = u.full() ? s.tree().replaceOwner(u.sender(), own) : s.tree().apply(own);
            }
            return s.withTree(t).withPeer(peer.withUpdateReceived(u.time(), u.full())
                    .withLastAlive(Math.max(peer.lastAlive(), u.time())));
        }
        if (e instanceof PeerSeen ps) {
            NodeInfo seen = ps.peer();
            if (seen.name().equals(s.selfName())) {
                return s;
            }
            NodeInfo known = s.peer(seen.name());
            NodeInfo next = known == null
                    ? NodeInfo.of(seen.name(), seen.publicAddr(), seen.mgmtAddr()).withLastAlive(ps.time())
                    : known.withAddresses(seen.publicAddr(), seen.mgmtAddr())
                            .withLastAlive(Math.max(known.lastAlive(), ps.time()));
            return s.withPeer(next);
        }
        if (e instanceof UpdatePushed up) {
            NodeInfo peer = s.peer(up.peer());
            return peer == null ? s : s.withPeer(peer.withLastUpdatePushed(up.time()));
        }
        if (e instanceof SelfAddresses sa) {
            return s.withSelf(s.self().withAddresses(sa.publicAddr(), sa.mgmtAddr()));
        }
        if (e instanceof PeerRemoved pr) {
            if (s.peer(pr.peer()) == null) {
                return s;
            }
            return s.withoutPeer(pr.peer()).withTree(s.tree().withoutOwner(pr.peer()));
        }
        throw new IllegalArgumentException("unknown event " + e);
    }

    /**
     * The changes a peer may make: its own. A node pushes only its own files (docs/PROTOCOL.md), so a
     * change naming another owner is dropped rather than letting one peer rewrite another's offers
     * (and rather than failing the whole update, as replaceOwner would).
     */
    private static List<Change> ownedBy(String sender, List<Change> changes) {
        for (int i = 0; i < changes.size(); i++) {
            if (!changes.get(i).owner().equals(sender)) {
                List<Change> own = new ArrayList<>(changes.size());
                for (Change c : changes) {
                    if (c.owner().equals(sender)) {
                        own.add(c);
                    }
                }
                return own;
            }
        }
        return changes;
    }
}
