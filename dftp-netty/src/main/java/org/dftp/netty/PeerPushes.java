package org.dftp.netty;

import java.util.List;
import org.dftp.core.local.LocalSync;
import org.dftp.core.tree.Change;
import org.dftp.netty.cluster.ClusterServices;

/**
 * The local root's changes, to every peer once the cluster services run: each watcher batch (and each
 * write's settle) as an incremental update, each rescan as a full one. The scan comes before the services
 * start, so nothing goes out before {@link #to}. Called on the watcher's and the writers' threads.
 */
final class PeerPushes implements LocalSync.Listener {
    private volatile ClusterServices services;

    void to(ClusterServices s) {
        services = s;
    }

    @Override
    public void changed(List<Change> changes) {
        ClusterServices s = services;
        if (s != null) {
            s.pushChanges(changes);
        }
    }

    @Override
    public void rescanned() {
        ClusterServices s = services;
        if (s != null) {
            s.pushFullUpdates();
        }
    }
}
