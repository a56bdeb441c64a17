package org.dftp.core.cluster;

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
 * I/O and no clock. What peers may announce is {@link PeerAnnouncements}'. It returns the same instance when the event changes nothing. Side effects that
 * follow (push an update, greet a peer) are decided by callers from the new state.
 */
public final class Reducer {
    private Reducer() {
    }

    public static ClusterState apply(ClusterState s, Event e) {
        if (e instanceof LocalScanned ls) {
            String self = s.selfName();
            DfsTree t = ls.full() ? s.tree().replaceOwner(self, ls.changes(), self) : s.tree().apply(ls.changes(), self);
            return s.withTree(t);
        }
        if (e instanceof LocalTreeScanned lt) {
            return s.withTree(s.tree().replaceOwner(s.selfName(), lt.tree(), s.selfName()));
        }
        if (e instanceof UpdateReceived u) {
            NodeInfo peer = s.peer(u.sender());
            if (peer == null) {
                return s; // docs/PROTOCOL.md: an update from an unknown sender is ignored
            }
            DfsTree t;
            if (u.tree() != null) {
                // refuses a tree with anybody else's offers
                t = s.tree().replaceOwner(u.sender(), u.tree(), s.selfName());
            } else {
                List<Change> own = PeerAnnouncements.ownedBy(u.sender(), u.changes());
                t = u.full() ? s.tree().replaceOwner(u.sender(), own, s.selfName()) : s.tree().apply(own, s.selfName());
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
}
