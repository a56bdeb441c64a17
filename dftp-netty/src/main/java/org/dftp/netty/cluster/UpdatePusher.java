package org.dftp.netty.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.wire.NodeInfo;
import org.dftp.core.wire.UpdateWriter;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes this node's updates to peers, full and incremental, one push per peer at a time and in order.
 *
 * <p>Full updates: a request starts a push at once, and every request for the same peer made within
 * {@link #COALESCE} of that start is served by it (while it is under way or after it succeeded): its
 * snapshot holds this node's offers as of that moment, and whatever changes after follows as incremental
 * updates. That is why the two requests of a join (the peer is new to us, and it greets us back asking for
 * a full update) cost one push of a 500,000-entry tree, not two, without the join waiting for the second
 * request. A later request made while a push is under way runs once more after it, from a newer snapshot.
 * Each full push streams from the snapshot taken when it starts.
 *
 * <p>Incremental updates: a batch of local changes is queued for every peer once it is in the store, and
 * sent at once when nothing is being pushed to that peer; batches that queue up behind a push go out
 * together as one update, in the order they were made (the tree keeps the last change of a path). A batch
 * queued while a full push waits to start is dropped: the full push's snapshot, taken later, holds it.
 * More than {@link #MAX_QUEUED} queued changes become one full push instead.
 *
 * <p>A push that fails leaves the peer <em>stale</em>: it missed changes. Later incremental batches are
 * not sent to it (they would only pile up on a gap), and {@link #repair} (called when the peer answers a
 * ping again) sends it a full update.
 */
final class UpdatePusher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpdatePusher.class);
    /** How long after a full push started a request for the same peer is served by that push. */
    static final Duration COALESCE = Duration.ofMillis(100);
    /** Queued incremental changes for one peer above which a full push is cheaper to reason about. */
    static final int MAX_QUEUED = 50_000;

    private final DfsStore store;
    private final PeerClient client;
    private final NodeMetrics metrics;
    private final Clock clock;
    private final Map<String, PeerPush> peers = new ConcurrentHashMap<>();
    private final Tasks tasks = new Tasks();
    private volatile long coalesceNanos = COALESCE.toNanos();

    /** Per-peer state; guarded by its own monitor. */
    private static final class PeerPush {
        /** A full push is about to start. */
        boolean scheduled;
        /** Whether a full push ever started, and when the last one did ({@link System#nanoTime}). */
        boolean fullStarted;
        long lastFullStart;
        /** A push (full or incremental) is under way. */
        boolean inFlight;
        /** A full push is wanted after the one under way. */
        boolean fullWanted;
        /** A push failed; the peer gets a full update when it answers again. */
        boolean stale;
        /** Incremental changes not sent yet, oldest first. */
        List<Change> queued = new ArrayList<>();
    }

    UpdatePusher(DfsStore store, PeerClient client, NodeMetrics metrics, Clock clock) {
        this.store = store;
        this.client = client;
        this.metrics = metrics;
        this.clock = clock;
    }

    private PeerPush state(String peer) {
        return peers.computeIfAbsent(peer, k -> new PeerPush());
    }

    /**
     * Asks for a full update to be pushed to {@code peer} soon; cheap, never blocks. A request within
     * {@link #COALESCE} of the last full push's start is served by that push.
     */
    void requestFull(String peer) {
        requestFull(peer, true);
    }

    /**
     * @param coalesce false when the pusher itself needs a new full push (it dropped queued changes, or a
     *                 request came while a push was under way): the last push's snapshot does not hold them
     */
    private void requestFull(String peer, boolean coalesce) {
        if (tasks.isClosed()) {
            return;
        }
        PeerPush p = state(peer);
        synchronized (p) {
            boolean servedByLast = coalesce && p.fullStarted && !p.stale
                    && System.nanoTime() - p.lastFullStart < coalesceNanos;
            if (p.scheduled || servedByLast) {
                return;
            }
            p.stale = false; // the full push repairs whatever was missed
            if (p.inFlight) {
                p.fullWanted = true;
                return;
            }
            p.scheduled = true;
        }
        startFull(peer, p);
    }

    /**
     * Queues {@code changes} (this node's, already in the store) for every current peer as an incremental
     * update; cheap, never blocks.
     */
    void pushChanges(List<Change> changes) {
        if (tasks.isClosed() || changes.isEmpty()) {
            return;
        }
        for (String peer : store.snapshot().peers().keySet()) {
            PeerPush p = state(peer);
            boolean start;
            synchronized (p) {
                if (p.scheduled || p.stale) {
                    continue; // a full push will carry them
                }
                if (p.queued.size() + changes.size() > MAX_QUEUED) {
                    p.queued = new ArrayList<>();
                    if (p.inFlight) {
                        p.fullWanted = true;
                        continue;
                    }
                    start = false;
                } else {
                    p.queued.addAll(changes);
                    if (p.inFlight) {
                        continue;
                    }
                    start = true;
                    p.inFlight = true;
                }
            }
            if (start) {
                startIncremental(peer, p);
            } else {
                requestFull(peer, false); // the dropped changes are newer than any push made so far
            }
        }
    }

    /** For tests: another {@link #COALESCE}. */
    void coalesce(Duration d) {
        coalesceNanos = d.toNanos();
    }

    /** The peer answered again: if a push to it failed since, it gets a full update. */
    void repair(String peer) {
        PeerPush p = peers.get(peer);
        if (p == null) {
            return;
        }
        synchronized (p) {
            if (!p.stale) {
                return;
            }
        }
        log.info("Pushing a full update to {} to repair a failed push", peer);
        requestFull(peer);
    }

    /** The peer was removed: whatever was queued for it is dropped (a returning peer gets a full update). */
    void forget(String peer) {
        peers.remove(peer);
    }

    /** Whether a push to {@code peer} is scheduled or under way; for tests and /metrics. */
    boolean busy(String peer) {
        PeerPush p = peers.get(peer);
        if (p == null) {
            return false;
        }
        synchronized (p) {
            return p.scheduled || p.inFlight || !p.queued.isEmpty();
        }
    }

    /** Whether a push to {@code peer} failed and no full update repaired it yet; for tests. */
    boolean stale(String peer) {
        PeerPush p = peers.get(peer);
        if (p == null) {
            return false;
        }
        synchronized (p) {
            return p.stale;
        }
    }

    private HostPort address(ClusterState s, String peer) {
        NodeInfo info = s.peer(peer);
        try {
            return info == null ? null : HostPort.parse(info.mgmtAddr());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void startFull(String peer, PeerPush p) {
        synchronized (p) {
            p.scheduled = false;
            p.inFlight = true;
            p.fullStarted = true;
            p.lastFullStart = System.nanoTime();
            p.queued = new ArrayList<>(); // the snapshot taken below holds everything queued so far
        }
        ClusterState s = store.snapshot();
        HostPort addr = address(s, peer);
        if (addr == null) {
            log.debug("Not pushing to {}: no longer a peer with a valid address", peer);
            finished(peer, p, true);
            return;
        }
        DfsTree tree = s.tree();
        String self = s.selfName();
        log.info("Pushing full update to {}...", peer);
        push(peer, p, addr, "full update", () -> UpdateWriter.full(tree, self, clock.millis() / 1000), true);
    }

    private void startIncremental(String peer, PeerPush p) {
        List<Change> batch;
        synchronized (p) {
            batch = p.queued;
            p.queued = new ArrayList<>();
        }
        HostPort addr = address(store.snapshot(), peer);
        if (addr == null || batch.isEmpty()) {
            finished(peer, p, true);
            return;
        }
        String self = store.snapshot().selfName();
        log.debug("Pushing incremental update to {} ({} change(s))...", peer, batch.size());
        push(peer, p, addr, "incremental update", () -> UpdateWriter.incremental(batch, self, clock.millis() / 1000),
                false);
    }

    private void push(String peer, PeerPush p, HostPort addr, String what, Supplier<UpdateWriter> body, boolean full) {
        long now = clock.millis() / 1000;
        AtomicReference<UpdateWriter> writer = new AtomicReference<>();
        long started = System.nanoTime();
        tasks.run(client.pushUpdate(addr, () -> {
                    UpdateWriter w = body.get();
                    writer.set(w);
                    return w;
                })
                .doOnSuccess(x -> {
                    metrics.updatesPushed.increment();
                    UpdateWriter w = writer.get();
                    long entries = w == null ? 0 : w.entriesWritten();
                    long ms = (System.nanoTime() - started) / 1_000_000;
                    if (full) {
                        log.info("Pushed full update to {} ({} file(s) in {} ms)", peer, entries, ms);
                    } else {
                        log.debug("Pushed incremental update to {} ({} file(s) in {} ms)", peer, entries, ms);
                    }
                    store.publish(new Event.UpdatePushed(peer, now));
                    finished(peer, p, true);
                })
                .doOnError(e -> finished(peer, p, false))
                .doOnCancel(() -> finished(peer, p, false)),
                e -> log.warn("Error pushing {} to {}: {}", what, peer, e.getMessage()));
    }

    /** A push ended: start what waited for it. */
    private void finished(String peer, PeerPush p, boolean ok) {
        boolean full;
        boolean incremental;
        synchronized (p) {
            p.inFlight = false;
            if (!ok) {
                p.stale = true;
                p.fullWanted = false;
                p.queued = new ArrayList<>();
            }
            full = p.fullWanted;
            p.fullWanted = false;
            incremental = !full && !p.queued.isEmpty() && !p.scheduled;
            if (incremental) {
                p.inFlight = true;
            }
        }
        if (tasks.isClosed()) {
            return;
        }
        if (full) {
            requestFull(peer, false);
        } else if (incremental) {
            startIncremental(peer, p);
        }
    }

    @Override
    public void close() {
        tasks.close();
    }
}
