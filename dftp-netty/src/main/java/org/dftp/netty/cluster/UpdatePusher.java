package org.dftp.netty.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.wire.NodeInfo;
import org.dftp.core.wire.UpdateWriter;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Pushes this node's full update to peers, at most one push per peer at a time.
 *
 * <p>Requests for the same peer are coalesced: a request waits a short moment ({@link #DEBOUNCE}) before
 * the push starts, and every request made meanwhile is served by that one push, which is why the two
 * requests of a join (the peer is new to us, and it greets us back asking for a full update) cost one
 * push of a 500,000-entry tree, not two. A request made while a push is under way runs once more after
 * it, from a newer snapshot. Each push streams from the snapshot taken when it starts.
 */
final class UpdatePusher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpdatePusher.class);
    static final Duration DEBOUNCE = Duration.ofMillis(100);

    private final DfsStore store;
    private final PeerClient client;
    private final NodeMetrics metrics;
    private final Clock clock;
    private final Map<String, PeerPush> peers = new ConcurrentHashMap<>();
    private final Tasks tasks = new Tasks();

    /** Per-peer state; guarded by its own monitor. */
    private static final class PeerPush {
        boolean scheduled;
        boolean inFlight;
        boolean again;
    }

    UpdatePusher(DfsStore store, PeerClient client, NodeMetrics metrics, Clock clock) {
        this.store = store;
        this.client = client;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Asks for a full update to be pushed to {@code peer} soon; cheap, never blocks. */
    void requestFull(String peer) {
        if (tasks.isClosed()) {
            return;
        }
        PeerPush p = peers.computeIfAbsent(peer, k -> new PeerPush());
        synchronized (p) {
            if (p.scheduled) {
                return;
            }
            if (p.inFlight) {
                p.again = true;
                return;
            }
            p.scheduled = true;
        }
        tasks.run(Mono.delay(DEBOUNCE).doOnNext(x -> start(peer, p)),
                e -> log.error("Pusher: starting a push to {} failed", peer, e));
    }

    /** Whether a push to {@code peer} is scheduled or under way; for tests and /metrics. */
    boolean busy(String peer) {
        PeerPush p = peers.get(peer);
        if (p == null) {
            return false;
        }
        synchronized (p) {
            return p.scheduled || p.inFlight;
        }
    }

    private void start(String peer, PeerPush p) {
        synchronized (p) {
            p.scheduled = false;
            p.inFlight = true;
        }
        ClusterState s = store.snapshot();
        NodeInfo info = s.peer(peer);
        HostPort addr;
        try {
            addr = info == null ? null : HostPort.parse(info.mgmtAddr());
        } catch (IllegalArgumentException e) {
            addr = null;
        }
        if (addr == null) {
            log.debug("Not pushing to {}: no longer a peer with a valid address", peer);
            finished(peer, p);
            return;
        }
        DfsTree tree = s.tree();
        String self = s.selfName();
        long now = clock.millis() / 1000;
        AtomicReference<UpdateWriter> writer = new AtomicReference<>();
        log.info("Pushing full update to {}...", peer);
        long started = System.nanoTime();
        tasks.run(client.pushUpdate(addr, () -> {
                    UpdateWriter w = UpdateWriter.full(tree, self, now);
                    writer.set(w);
                    return w;
                })
                .doFinally(signal -> finished(peer, p))
                .doOnSuccess(x -> {
                    metrics.updatesPushed.increment();
                    UpdateWriter w = writer.get();
                    log.info("Pushed full update to {} ({} file(s) in {} ms)", peer,
                            w == null ? 0 : w.entriesWritten(), (System.nanoTime() - started) / 1_000_000);
                    store.publish(new Event.UpdatePushed(peer, now));
                }), e -> log.warn("Error pushing full update to {}: {}", peer, e.getMessage()));
    }

    private void finished(String peer, PeerPush p) {
        boolean again;
        synchronized (p) {
            p.inFlight = false;
            again = p.again;
            p.again = false;
        }
        if (again) {
            requestFull(peer);
        }
    }

    @Override
    public void close() {
        tasks.close();
    }
}
