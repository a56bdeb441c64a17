package org.dftp.netty.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.GoDuration;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Who is alive: every {@code -ping-interval} each peer is pinged ({@code POST /cluster/} without
 * {@code request-full-update}); a peer that misses {@code -ping-failures} pings in a row is removed with all
 * its offers ({@code PeerRemoved}), and one line says so: {@code Peer gb removed: 3 pings missed (...)}.
 *
 * <p>Every interval without an answer is a miss: a ping that fails counts one, and so does each tick that
 * finds the last ping still unanswered (no second ping is sent meanwhile; the first may still be answered,
 * late). So a dead peer is gone at most {@code interval x (failures + 1)} after it died, whether its host
 * refuses connections or has vanished from the network, while a live one that is slow to answer (a JVM
 * warming up, a loaded machine) has {@code failures - 1} intervals to do so. Any sign of life resets the
 * count: an answer, and anything else that moves the peer's {@code LastAlive} (it greeted us, it pushed an
 * update), so a peer we cannot reach but that reaches us is not removed only to greet us back in.
 *
 * <p>A removed peer is not forgotten at once: it is greeted again, asking for a full update, one interval
 * after its removal and then at doubling intervals up to a minute (or one ping interval, if longer), for
 * {@link #FORGET_AFTER}. So both sides of a healed partition find each other again, though each removed
 * the other. When a removed peer is a peer again (our greeting got through, it greeted us, or multicast
 * found it; the greeting flow has exchanged full updates), one line says {@code Peer gb is back}. Removals
 * and returns are counted in {@link NodeMetrics}.
 *
 * <p>Threading: {@link #tick} and every completion run on one thread (the executor given), which alone
 * touches the per-peer state; the clock only dates removals and paces retries. Tests drive {@code tick()}
 * by hand with a direct executor and a fake {@link Peers}.
 */
final class Liveness implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Liveness.class);
    /** How long a removed peer is greeted again before it is forgotten. */
    static final Duration FORGET_AFTER = Duration.ofHours(24);
    /** The longest pause between two greetings of a removed peer (unless the ping interval is longer). */
    static final Duration MAX_RETRY = Duration.ofMinutes(1);

    /** What liveness does to other nodes, and tells the rest of the cluster services. */
    interface Peers {
        /** Pings the node at {@code addr}; completes with the node that answered (empty: not a peer). */
        Mono<NodeInfo> ping(HostPort addr);

        /** Greets a removed node at {@code addr}, asking for a full update; completes with who answered. */
        Mono<NodeInfo> greet(HostPort addr);

        /** {@code peer} answered a ping. */
        void answered(String peer);

        /** {@code peer} was just removed. */
        void removed(String peer);

        /**
         * {@code peer}, removed earlier, is a peer again; {@code info} is how the state has it now (its times
         * count from its return), to tell whether full updates were exchanged since.
         */
        void returned(NodeInfo info);
    }

    /** A peer being pinged; touched on the liveness thread only. */
    private static final class Pinged {
        int missed;
        /** The ping in flight, or 0. */
        long pingId;
        Disposable ping;
        long pingSent;
        /** Whether a tick already counted the ping in flight as missed (its failure then counts no more). */
        boolean countedLate;
        /** The peer's {@code LastAlive} when last looked at. */
        long lastAlive;
        String lastFailure = "";
    }

    /** A removed peer; the fields are touched on the liveness thread only. */
    private static final class Departed {
        final HostPort mgmt;
        final long removedAt;
        long nextTry;
        long retryDelay;
        /** The removal is in the store: from now on the peer's presence there means it came back. */
        boolean confirmed;
        boolean retrying;
        Disposable retry;

        Departed(HostPort mgmt, long removedAt, long retryDelay) {
            this.mgmt = mgmt;
            this.removedAt = removedAt;
            this.nextTry = removedAt + retryDelay;
            this.retryDelay = retryDelay;
        }
    }

    private final DfsStore store;
    private final Peers peers;
    private final NodeMetrics metrics;
    private final Clock clock;
    private final Duration interval;
    private final int failures;
    /** The most removed peers greeted again at once ({@code -max-peers}); the longest-gone are forgotten first. */
    private final int maxDeparted;
    private final Executor executor;
    private final Map<String, Pinged> pinged = new HashMap<>();
    private final Map<String, Departed> departed = new ConcurrentHashMap<>();
    private long nextPingId;
    private ScheduledExecutorService timer;

    /**
     * @param interval how often every peer is pinged
     * @param failures missed pings in a row after which a peer is removed (at least 1)
     * @param executor where ping answers are handled; must run one task at a time, the tick's thread
     */
    Liveness(DfsStore store, Peers peers, NodeMetrics metrics, Clock clock, Duration interval, int failures,
             Executor executor) {
        this(store, peers, metrics, clock, interval, failures, org.dftp.netty.NodeConfig.Peers.DEFAULTS.maxPeers(),
                executor);
    }

    /** @param maxDeparted the most removed peers kept to be greeted again */
    Liveness(DfsStore store, Peers peers, NodeMetrics metrics, Clock clock, Duration interval, int failures,
             int maxDeparted, Executor executor) {
        this.maxDeparted = maxDeparted;
        this.store = Objects.requireNonNull(store, "store");
        this.peers = Objects.requireNonNull(peers, "peers");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative() || failures < 1) {
            throw new IllegalArgumentException("ping interval must be positive and failures at least 1");
        }
        this.failures = failures;
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Liveness on a thread of its own, {@code dftp-liveness}, ticking every {@code interval}. */
    static Liveness start(DfsStore store, Peers peers, NodeMetrics metrics, Clock clock, Duration interval,
                          int failures, int maxDeparted) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dftp-liveness");
            t.setDaemon(true);
            return t;
        });
        Liveness l = new Liveness(store, peers, metrics, clock, interval, failures, maxDeparted, timer);
        l.timer = timer;
        long nanos = interval.toNanos();
        timer.scheduleAtFixedRate(l::safeTick, nanos, nanos, TimeUnit.NANOSECONDS);
        return l;
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            // An exception would cancel the schedule: report it and keep ticking.
            log.error("Liveness: tick failed", e);
        }
    }

    /** Whether {@code name} is a removed peer that is still greeted again; safe from any thread. */
    boolean isDeparted(String name) {
        return departed.containsKey(name);
    }

    /** One round: notice returns, greet removed peers that are due, ping every peer. */
    void tick() {
        ClusterState s = store.snapshot();
        long now = clock.millis();
        retryDeparted(s, now);
        for (Iterator<Map.Entry<String, Pinged>> it = pinged.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Pinged> e = it.next();
            if (s.peer(e.getKey()) == null) {
                dispose(e.getValue()); // removed meanwhile, or never answered its greeting
                it.remove();
            }
        }
        for (NodeInfo peer : s.peers().values()) {
            Pinged p = pinged.computeIfAbsent(peer.name(), k -> new Pinged());
            if (peer.lastAlive() > p.lastAlive) {
                p.lastAlive = peer.lastAlive();
                p.missed = 0; // it greeted us, pushed an update, or answered a ping since
            }
            if (p.pingId != 0) {
                p.countedLate = true;
                missed(peer, p, "no answer for " + GoDuration.format(Duration.ofMillis(now - p.pingSent)));
                continue; // removed, or still waiting for that answer
            }
            ping(peer, p, now);
        }
    }

    private void retryDeparted(ClusterState s, long now) {
        for (Iterator<Map.Entry<String, Departed>> it = departed.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Departed> e = it.next();
            String name = e.getKey();
            Departed d = e.getValue();
            NodeInfo back = d.confirmed ? s.peer(name) : null;
            if (back != null) {
                log.info("Peer {} is back", name);
                metrics.peersReturned.increment();
                disposeRetry(d);
                it.remove();
                peers.returned(back);
            } else if (now - d.removedAt >= FORGET_AFTER.toMillis()) {
                log.info("Peer {} forgotten: no answer since its removal {} ago", name, FORGET_AFTER);
                disposeRetry(d);
                it.remove();
            } else if (now >= d.nextTry && !d.retrying) {
                d.retryDelay = Math.min(2 * d.retryDelay, Math.max(interval.toMillis(), MAX_RETRY.toMillis()));
                d.nextTry = now + d.retryDelay;
                greetAgain(name, d);
            }
        }
    }

    /** Forgets the longest-gone removed peers until at most {@code max} are greeted again. */
    private void forgetBeyond(int max) {
        while (departed.size() > max) {
            Map.Entry<String, Departed> oldest = null;
            for (Map.Entry<String, Departed> e : departed.entrySet()) {
                if (oldest == null || e.getValue().removedAt < oldest.getValue().removedAt) {
                    oldest = e;
                }
            }
            log.info("Peer {} forgotten: more than {} removed peers", oldest.getKey(), max);
            disposeRetry(oldest.getValue());
            departed.remove(oldest.getKey(), oldest.getValue());
        }
    }

    private void greetAgain(String name, Departed d) {
        log.debug("Greeting removed peer {} at {} again", name, d.mgmt);
        d.retrying = true;
        d.retry = peers.greet(d.mgmt).subscribe(
                answer -> onThread(() -> {
                    if (!answer.name().equals(name)) {
                        log.info("Removed peer {}: {} is now {}; no longer greeting it", name, d.mgmt, answer.name());
                        departed.remove(name, d);
                    }
                }),
                err -> onThread(() -> {
                    log.debug("Removed peer {} still unreachable: {}", name, err.getMessage());
                    d.retrying = false;
                }),
                () -> onThread(() -> d.retrying = false));
    }

    private void ping(NodeInfo peer, Pinged p, long now) {
        HostPort addr;
        try {
            addr = HostPort.parse(peer.mgmtAddr());
        } catch (IllegalArgumentException e) {
            missed(peer, p, "unusable address " + peer.mgmtAddr());
            return;
        }
        long id = ++nextPingId;
        p.pingId = id;
        p.pingSent = now;
        p.countedLate = false;
        String name = peer.name();
        Disposable sub = peers.ping(addr).subscribe(
                answer -> onThread(() -> answered(peer, p, id, answer)),
                err -> onThread(() -> failed(peer, p, id, err.getMessage())),
                () -> onThread(() -> failed(peer, p, id, "answered as this node")));
        if (p.pingId == id) {
            p.ping = sub; // still in flight (a fake may have answered already)
        }
        log.trace("Pinged {} at {}", name, addr);
    }

    private void answered(NodeInfo peer, Pinged p, long id, NodeInfo answer) {
        if (p.pingId != id) {
            return; // cancelled at a tick, already counted as missed
        }
        p.pingId = 0;
        p.ping = null;
        if (!answer.name().equals(peer.name())) {
            if (!p.countedLate) {
                missed(peer, p, peer.mgmtAddr() + " answered as " + answer.name());
            }
            return;
        }
        if (p.missed > 0) {
            log.debug("Peer {} answered again after {} missed ping(s)", peer.name(), p.missed);
        }
        p.missed = 0;
        peers.answered(peer.name());
    }

    private void failed(NodeInfo peer, Pinged p, long id, String why) {
        if (p.pingId != id) {
            return;
        }
        p.pingId = 0;
        p.ping = null;
        if (p.countedLate) {
            p.lastFailure = why; // its intervals are counted already
        } else {
            missed(peer, p, why);
        }
    }

    /** Counts a missed ping; returns whether the peer was removed. */
    private boolean missed(NodeInfo peer, Pinged p, String why) {
        p.missed++;
        p.lastFailure = why;
        log.debug("Peer {} missed a ping ({} in a row): {}", peer.name(), p.missed, why);
        if (p.missed < failures) {
            return false;
        }
        remove(peer, p);
        return true;
    }

    private void remove(NodeInfo peer, Pinged p) {
        String name = peer.name();
        dispose(p);
        pinged.remove(name);
        long now = clock.millis();
        metrics.peersRemoved.increment();
        log.info("Peer {} removed: {} pings missed ({})", name, p.missed, p.lastFailure);
        peers.removed(name);
        Departed d = null;
        if (peer.lastUpdateReceived() == 0) {
            // It never sent an update: nothing of the tree came from it, and nothing says it was ever a node
            // (a forged greeting or ping makes such peers by the thousand). Not greeted again.
            log.info("Peer {} forgotten: it never sent an update", name);
        } else {
            try {
                d = new Departed(HostPort.parse(peer.mgmtAddr()), now, interval.toMillis());
                Departed old = departed.put(name, d);
                if (old != null) {
                    disposeRetry(old);
                }
                forgetBeyond(maxDeparted);
            } catch (IllegalArgumentException e) {
                // nowhere to greet it again
            }
        }
        Departed removed = d;
        store.publish(new Event.PeerRemoved(name, now / 1000)).thenRun(() -> {
            if (removed != null) {
                onThread(() -> removed.confirmed = true);
            }
        });
    }

    private void onThread(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException e) {
            // closing: answers that arrive now change nothing
        }
    }

    private static void dispose(Pinged p) {
        if (p.ping != null) {
            p.ping.dispose();
            p.ping = null;
        }
        p.pingId = 0;
    }

    private static void disposeRetry(Departed d) {
        if (d.retry != null) {
            d.retry.dispose();
            d.retry = null;
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pinged.values().forEach(Liveness::dispose);
        departed.values().forEach(Liveness::disposeRetry);
    }
}
