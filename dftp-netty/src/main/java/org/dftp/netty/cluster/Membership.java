package org.dftp.netty.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.dftp.core.tree.Change;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.wire.ClusterInfo;
import org.dftp.core.wire.NodeInfo;
import org.dftp.core.wire.UpdateParser;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The greeting flow of docs/PROTOCOL.md: who greets whom, who pushes full updates to whom. It publishes what
 * it learns as events ({@code PeerSeen}, {@code UpdateReceived}) and decides the side effects that follow
 * (greet back, push a full update, greet peers learned from an answer) from the state, outside the
 * reducer.
 *
 * <ul>
 *   <li>A greeting from an unknown node: record it, greet it back asking for a full update, push ours.
 *   <li>A greeting asking for a full update: push ours.
 *   <li>Our greeting answered: record the node at the address we reached it at; if it was new to us,
 *       push ours; greet every node it lists that we do not know, asking for a full update.
 *   <li>A multicast ping from an unknown node: greet it, asking for a full update.
 *   <li>An incremental update from a peer that has not sent us a full update yet (since we met it): greet
 *       it asking for one. So does a removed peer's return, if no full update came with it.
 * </ul>
 * Greetings to one address are not sent twice at once, and pushes are coalesced by the
 * {@link UpdatePusher}, so the crossing greetings of a join cost one full update each way. Names that
 * claim to be this node are ignored.
 */
public final class Membership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Membership.class);
    /** How long an update from a sender we are still greeting waits for the greeting to finish. */
    static final Duration UNKNOWN_SENDER_GRACE = Duration.ofSeconds(5);
    /** A greeting from a node whose answer to our full-update greeting came this recently is not returned. */
    static final Duration CROSSING_GREETINGS = Duration.ofSeconds(10);
    /** How long a full update we asked a peer for may take before we ask again. */
    static final Duration FULL_UPDATE_PATIENCE = Duration.ofSeconds(10);
    /** How long a peer that a greeting would move has to answer at its known address to stay there. */
    static final Duration ALIVE_CHECK = Duration.ofSeconds(3);

    private final DfsStore store;
    private final PeerClient client;
    private final NodeMetrics metrics;
    private final Clock clock;
    private volatile HostPort publicAddr;
    private volatile HostPort mgmtAddr;
    private final UpdatePusher pusher;
    private final PeerAdmission admission;
    /** Greetings under way to addresses that are not a peer's (bounded by the admission). */
    private final java.util.concurrent.atomic.AtomicInteger strangersGreeted = new java.util.concurrent.atomic.AtomicInteger();
    private final Tasks tasks = new Tasks();
    private final Map<String, Mono<NodeInfo>> greetings = new ConcurrentHashMap<>();
    private final Map<String, Long> updateLag = new ConcurrentHashMap<>();
    /** When our greeting asking each peer for a full update was last answered (System.nanoTime). */
    private final Map<String, Long> greetedFull = new ConcurrentHashMap<>();
    /** When we last asked each peer for a full update (System.nanoTime), until one arrives. */
    private final Map<String, Long> fullAsked = new ConcurrentHashMap<>();
    private volatile Duration unknownSenderGrace = UNKNOWN_SENDER_GRACE;
    /** Names not to greet when another node lists them: removed peers, which liveness greets itself. */
    private volatile Predicate<String> departed = name -> false;

    /**
     * @param publicAddr this node's public HTTP address as other nodes should be told it (empty host:
     *                   "where you see me")
     * @param mgmtAddr this node's management address, the same way
     */
    public Membership(DfsStore store, PeerClient client, NodeMetrics metrics, Clock clock, HostPort publicAddr,
                      HostPort mgmtAddr) {
        this(store, client, metrics, clock, publicAddr, mgmtAddr,
                new PeerAdmission(org.dftp.netty.NodeConfig.Peers.DEFAULTS.maxPeers(),
                        org.dftp.netty.NodeConfig.Peers.DEFAULTS.maxPendingGreetings()));
    }

    /** @param admission who may become a peer, and where this node may connect */
    Membership(DfsStore store, PeerClient client, NodeMetrics metrics, Clock clock, HostPort publicAddr,
               HostPort mgmtAddr, PeerAdmission admission) {
        this.admission = Objects.requireNonNull(admission, "admission");
        this.store = Objects.requireNonNull(store, "store");
        this.client = Objects.requireNonNull(client, "client");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.publicAddr = Objects.requireNonNull(publicAddr, "publicAddr");
        this.mgmtAddr = Objects.requireNonNull(mgmtAddr, "mgmtAddr");
        this.pusher = new UpdatePusher(store, client, metrics, clock);
    }

    /** Sets the addresses this node advertises, once its servers are bound and their ports known. */
    void advertise(HostPort publicAddr, HostPort mgmtAddr) {
        this.publicAddr = Objects.requireNonNull(publicAddr, "publicAddr");
        this.mgmtAddr = Objects.requireNonNull(mgmtAddr, "mgmtAddr");
        admission.ownMgmtPort(mgmtAddr.port());
    }

    private long now() {
        return clock.millis() / 1000;
    }

    String selfName() {
        return store.snapshot().selfName();
    }

    /** The greeting this node sends. */
    public Greeting selfGreeting(boolean requestFullUpdate) {
        return new Greeting(selfName(), publicAddr, mgmtAddr, requestFullUpdate);
    }

    /** This node's management address as it tells others (for discovery pings). */
    public HostPort advertisedMgmtAddr() {
        return mgmtAddr;
    }

    /**
     * What {@code GET /cluster/} answers: the store's view, with this node's addresses as it advertises
     * them (the bound ports) and its {@code LastAlive} now.
     */
    public ClusterInfo info() {
        ClusterState s = store.snapshot();
        NodeInfo me = s.self().withAddresses(publicAddr.toString(), mgmtAddr.toString()).withLastAlive(now());
        return new ClusterInfo(s.clusterName(), me, s.peers());
    }

    /** Seconds between the sender's {@code UpdateTime} and our receiving it, per peer (last update). */
    public Map<String, Long> updateLagSeconds() {
        return Map.copyOf(updateLag);
    }

    /**
     * What a greeting gets: the answer, and what to do once it is on its way back ({@code then}, run by the
     * server after sending it).
     */
    public record Answer(ClusterInfo info, Runnable then) {
    }

    private static final Runnable NOTHING = () -> { };

    /**
     * A validated greeting from another node ({@code POST /cluster/}); completes with our answer. Greeting an
     * unknown caller back, and pushing our full update to it, are left to {@link Answer#then}, after the
     * answer: the caller is waiting for the answer, and in a fresh JVM the greeting back (a new client
     * connection) would otherwise delay it.
     */
    public Mono<Answer> greeted(Greeting g) {
        if (g.name().equals(selfName())) {
            log.warn("Ignoring a greeting from {} that claims our own name '{}'", g.mgmtAddr(), g.name());
            return Mono.fromSupplier(() -> new Answer(info(), NOTHING));
        }
        ClusterState s = store.snapshot();
        NodeInfo knownPeer = s.peer(g.name());
        boolean known = knownPeer != null;
        NodeInfo seen = NodeInfo.of(g.name(), g.publicAddr().toString(), g.mgmtAddr().toString());
        Mono<Boolean> takeAddresses;
        if (known && seen.mgmtAddr().equals(knownPeer.mgmtAddr()) && seen.publicAddr().equals(knownPeer.publicAddr())) {
            takeAddresses = Mono.just(true); // a peer greeting from where it is: the everyday case
        } else {
            try {
                admission.roomFor(s, g.name());
            } catch (PeerAdmission.Refused e) {
                log.info("Greeting from {} ({}) refused: {}", g.name(), g.mgmtAddr(), e.getMessage());
                return Mono.error(e);
            }
            takeAddresses = admission.checked("mgmt-addr", g.mgmtAddr(), true)
                    .then(admission.checked("public-addr", g.publicAddr(), false))
                    .then(known ? aliveAt(knownPeer).map(alive -> {
                        if (alive) {
                            log.info("Greeting as {} with mgmt {}, public {} not taken: {} answers at {}", g.name(),
                                    g.mgmtAddr(), g.publicAddr(), g.name(), knownPeer.mgmtAddr());
                        }
                        return !alive;
                    }) : Mono.just(true));
        }
        return takeAddresses
                .flatMap(take -> take ? Mono.fromFuture(() -> store.publish(new Event.PeerSeen(seen, now())))
                        : Mono.just(store.snapshot()))
                .map(after -> {
                    if (!known) {
                        log.info("Met new node: {} (mgmt {}, public {})", g.name(), g.mgmtAddr(), g.publicAddr());
                    }
                    // The push starts only once the caller has our answer, and for a new caller once our
                    // greeting back is through: the original ignores an update from a sender it does not
                    // know yet, and a push starts at once (see UpdatePusher).
                    Runnable then;
                    if (known) {
                        then = g.requestFullUpdate() ? () -> pusher.requestFull(g.name()) : NOTHING;
                    } else {
                        then = () -> {
                            if (!greeting(g.mgmtAddr()) && !greetedRecently(g.name())) {
                                background(greet(g.mgmtAddr(), true).doFinally(signal -> pusher.requestFull(g.name())));
                            } else {
                                pusher.requestFull(g.name());
                            }
                        };
                    }
                    return new Answer(info(), then);
                });
    }

    /**
     * Greets the node at {@code addr} and takes in its answer (the node itself, then the nodes it lists).
     * A greeting already under way to the same address with the same request is shared, not repeated.
     *
     * @return the node that answered; empty when it turned out to be this node
     */
    public Mono<NodeInfo> greet(HostPort addr, boolean requestFullUpdate) {
        return greet(addr, requestFullUpdate, true);
    }

    /** {@link #greet(HostPort, boolean)}, logging the attempt only if {@code loud} (repeated greetings are not). */
    private Mono<NodeInfo> greet(HostPort addr, boolean requestFullUpdate, boolean loud) {
        String key = addr + (requestFullUpdate ? " full" : "");
        Mono<NodeInfo> existing = greetings.get(key);
        if (existing != null) {
            return existing;
        }
        AtomicReference<Mono<NodeInfo>> self = new AtomicReference<>();
        Mono<NodeInfo> g = Mono.defer(() -> {
                    boolean stranger = !knownMgmt(store.snapshot(), addr);
                    if (stranger) {
                        admission.greetingMayStart(strangersGreeted.get(), addr);
                        strangersGreeted.incrementAndGet();
                    }
                    if (loud) {
                        log.info("Greeting {}...", addr);
                    } else {
                        log.debug("Greeting {}...", addr);
                    }
                    Mono<ClusterInfo> answer = admission.checked("address", addr, true)
                            .flatMap(a -> client.greet(a, selfGreeting(requestFullUpdate)));
                    return stranger ? answer.doFinally(x -> strangersGreeted.decrementAndGet()) : answer;
                })
                .flatMap(answer -> answered(addr, answer, requestFullUpdate))
                .doFinally(s -> greetings.remove(key, self.get()))
                .cache();
        self.set(g);
        existing = greetings.putIfAbsent(key, g);
        return existing != null ? existing : g;
    }

    /**
     * Whether our own greeting asking {@code name} for a full update was answered a moment ago. Then the
     * caller's greeting merely crossed ours (each side of a join greets the other): greeting it back
     * would ask it for its full update a second time.
     */
    private boolean greetedRecently(String name) {
        Long at = greetedFull.get(name);
        return at != null && System.nanoTime() - at < CROSSING_GREETINGS.toNanos();
    }

    /** Whether a greeting to {@code addr} is under way. */
    private boolean greeting(HostPort addr) {
        String a = addr.toString();
        return greetings.containsKey(a) || greetings.containsKey(a + " full");
    }

    /**
     * A ping of liveness: a greeting that asks for nothing, not logged, not shared with greetings under way.
     * Its answer is taken in as a greeting's is (the node is alive; nodes it lists are met).
     *
     * @return the node that answered; empty when it turned out to be this node
     */
    Mono<NodeInfo> ping(HostPort addr) {
        return client.ping(addr, selfGreeting(false)).flatMap(answer -> answered(addr, answer, false));
    }

    /**
     * Whether {@code peer} answers, under its name, at the management address this node knows it by. A
     * known, live peer is not moved by a greeting or an answer from another address: whoever sends one
     * could otherwise take over its traffic by taking its name.
     */
    private Mono<Boolean> aliveAt(NodeInfo peer) {
        HostPort at;
        try {
            at = HostPort.parse(peer.mgmtAddr());
        } catch (IllegalArgumentException e) {
            return Mono.just(false);
        }
        // A bounded wait: the greeting waits for this answer, and a peer that takes longer is not one we can
        // use at that address anyway.
        return ping(at).map(n -> n.name().equals(peer.name())).timeout(ALIVE_CHECK).defaultIfEmpty(false)
                .onErrorReturn(false);
    }

    private Mono<NodeInfo> answered(HostPort addr, ClusterInfo answer, boolean askedForFull) {
        NodeInfo peer;
        try {
            peer = MgmtInput.greetingAnswer(answer, addr);
        } catch (MgmtInput.BadInput e) {
            return Mono.error(new PeerException("Unusable answer to our greeting from " + addr + ": " + e.getMessage(), 200));
        }
        if (peer.name().equals(selfName())) {
            log.warn("{} answered with our own name '{}': not a peer", addr, peer.name());
            return Mono.empty();
        }
        ClusterState s = store.snapshot();
        NodeInfo knownPeer = s.peer(peer.name());
        boolean known = knownPeer != null;
        if (known && peer.mgmtAddr().equals(knownPeer.mgmtAddr()) && peer.publicAddr().equals(knownPeer.publicAddr())) {
            return recordAnswer(peer, answer, addr, askedForFull, true);
        }
        try {
            admission.roomFor(s, peer.name());
        } catch (PeerAdmission.Refused e) {
            return Mono.error(new PeerException(addr + " answered as " + peer.name() + ": " + e.getMessage(), 200));
        }
        Mono<Boolean> take = admission.checked("PublicAddr", HostPort.parse(peer.publicAddr()), false)
                .onErrorMap(PeerAdmission.Refused.class,
                        e -> new PeerException("Answer to our greeting from " + addr + ": " + e.getMessage(), 200))
                .then(known && !peer.mgmtAddr().equals(knownPeer.mgmtAddr())
                        ? aliveAt(knownPeer).map(alive -> !alive) : Mono.just(true));
        return take.flatMap(t -> {
            if (!t) {
                log.info("{} answered as {}, which answers at {}: not moved", addr, peer.name(), knownPeer.mgmtAddr());
                NodeInfo now = store.snapshot().peer(peer.name());
                return now == null ? Mono.empty() : Mono.just(now);
            }
            return recordAnswer(peer, answer, addr, askedForFull, known);
        });
    }

    private Mono<NodeInfo> recordAnswer(NodeInfo peer, ClusterInfo answer, HostPort addr, boolean askedForFull,
                                        boolean known) {
        if (askedForFull) {
            fullAsked.put(peer.name(), System.nanoTime());
        }
        return Mono.fromFuture(() -> store.publish(new Event.PeerSeen(peer, now())))
                .map(after -> {
                    if (askedForFull) {
                        greetedFull.put(peer.name(), System.nanoTime());
                    }
                    if (!known) {
                        log.info("Met new node: {} (mgmt {}, public {})", peer.name(), peer.mgmtAddr(), peer.publicAddr());
                        pusher.requestFull(peer.name());
                    }
                    learn(answer, peer.name(), addr, after);
                    return peer;
                });
    }

    /** Greets every node listed in {@code answer} that we do not know yet. */
    private void learn(ClusterInfo answer, String from, HostPort via, ClusterState state) {
        if (answer.peers() == null) {
            return;
        }
        for (NodeInfo p : answer.peers().values()) {
            if (p == null || state.selfName().equals(p.name()) || from.equals(p.name())) {
                continue;
            }
            HostPort mgmt;
            try {
                mgmt = MgmtInput.listedPeerMgmt(p, via);
            } catch (MgmtInput.BadInput e) {
                log.debug("Ignoring a peer listed by {}: {}", from, e.getMessage());
                continue;
            }
            if (state.peer(p.name()) == null && !departed.test(p.name()) && !knownMgmt(state, mgmt)
                    && !greeting(mgmt) && admission.hasRoom(state)) {
                log.info("Learned of {} at {} from {}", p.name(), mgmt, from);
                background(greet(mgmt, true));
            }
        }
    }

    private static boolean knownMgmt(ClusterState s, HostPort addr) {
        String a = addr.toString();
        for (NodeInfo p : s.peers().values()) {
            if (a.equals(p.mgmtAddr())) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code POST /join/}: greets each address asking for a full update. An address this node must not
     * connect to ({@link PeerAdmission}) fails the join before any greeting; a greeting's failure is logged,
     * not raised, as the original does. Completes when every greeting is over.
     */
    public Mono<Void> join(List<HostPort> peers) {
        return Flux.fromIterable(peers)
                .concatMap(a -> admission.checked("peer", a, true))
                .collectList()
                .flatMapMany(Flux::fromIterable)
                .flatMap(a -> greet(a, true).onErrorResume(e -> {
                    log.warn("Join: {}", e.getMessage());
                    return Mono.empty();
                }))
                .then();
    }

    /** A multicast ping from {@code name} at {@code mgmt} (already checked: our cluster, not us). */
    public void discovered(String name, HostPort mgmt) {
        ClusterState s = store.snapshot();
        NodeInfo known = s.peer(name);
        if (known != null && mgmt.toString().equals(known.mgmtAddr()) || knownMgmt(s, mgmt) || greeting(mgmt)) {
            return;
        }
        if (!admission.hasRoom(s)) {
            log.debug("Multicast ping from {} at {} ignored: the peer table is full", name, mgmt);
            return;
        }
        log.info("Multicast discovered new peer: {} at {}", name, mgmt);
        background(greet(mgmt, true));
    }

    /**
     * A decoded {@code POST /update/}: applied once its sender is a peer, ignored if it never becomes one,
     * and at once when its name could not be a peer's (the warm-up sends one such update to its own node).
     */
    public void updateReceived(UpdateParser.Result r) {
        try {
            MgmtInput.nodeName(r.sender());
        } catch (MgmtInput.BadInput e) {
            // A sender that can never be a peer: ignored at once, as an unknown one is after a while.
            log.debug("Ignoring an update whose sender cannot be a node: {}", e.getMessage());
            return;
        }
        long now = now();
        metrics.updatesReceived.increment();
        log.info("Received update (files: {}, full: {}) from {}", r.files(), r.full(), r.sender());
        if (r.skipped() > 0) {
            log.warn("Update from {}: {} file(s) refused, e.g. {}", r.sender(), r.skipped(), r.skipReasons());
        }
        if (r.sender().equals(selfName())) {
            log.warn("Ignoring an update that claims to come from this node ('{}')", r.sender());
            return;
        }
        updateLag.put(r.sender(), Math.max(0, now - r.updateTime()));
        if (r.full()) {
            fullAsked.remove(r.sender());
        }
        Event e = new Event.UpdateReceived(r.sender(), r.full(), now, r.tree() != null ? List.of() : r.changes(),
                r.tree());
        NodeInfo peer = store.snapshot().peer(r.sender());
        if (peer != null) {
            store.publish(e);
            if (!r.full()) {
                ensureFullUpdateFrom(peer);
            }
            return;
        }
        // Its greeting may still be on its way to the store: give it a moment before ignoring the update.
        tasks.run(store.states()
                .filter(s -> s.peer(r.sender()) != null)
                .next()
                .timeout(unknownSenderGrace)
                .doOnNext(s -> {
                    store.publish(e);
                    if (!r.full()) {
                        ensureFullUpdateFrom(s.peer(r.sender()));
                    }
                }),
                err -> log.warn("Ignoring update from unknown sender: {}", r.sender()));
    }

    /**
     * Whether we should ask {@code peer} for a full update: it has sent none since we met it (so what it
     * offers beyond its incremental updates is unknown to us), and we did not ask it within
     * {@link #FULL_UPDATE_PATIENCE} ({@code askedNanosAgo}, or null when we have not asked).
     */
    static boolean needsFullUpdate(NodeInfo peer, Long askedNanosAgo) {
        return peer.lastFullUpdateReceived() == 0
                && (askedNanosAgo == null || askedNanosAgo >= FULL_UPDATE_PATIENCE.toNanos());
    }

    /** Asks {@code peer} for a full update unless it sent one since we met it, or we asked a moment ago. */
    private void ensureFullUpdateFrom(NodeInfo peer) {
        Long asked = fullAsked.get(peer.name());
        if (!needsFullUpdate(peer, asked == null ? null : System.nanoTime() - asked)) {
            return;
        }
        HostPort mgmt;
        try {
            mgmt = HostPort.parse(peer.mgmtAddr());
        } catch (IllegalArgumentException e) {
            return;
        }
        fullAsked.put(peer.name(), System.nanoTime());
        log.info("Asking {} for a full update: none received from it yet", peer.name());
        background(greet(mgmt, true));
    }

    /** How long an update from an unknown sender waits for it to become a peer; for tests. */
    void unknownSenderGrace(Duration d) {
        this.unknownSenderGrace = d;
    }

    /** For tests: how long after a full push started requests for the same peer are served by it. */
    void pushCoalesce(Duration d) {
        pusher.coalesce(d);
    }

    /** Asks for a full update of ours to be pushed to {@code peer}. */
    public void requestFullPush(String peer) {
        pusher.requestFull(peer);
    }

    /** Asks for a full update of ours to be pushed to every peer (the periodic safety net). */
    public void pushFullToAll() {
        for (String peer : store.snapshot().peers().keySet()) {
            pusher.requestFull(peer);
        }
    }

    /** Announces {@code changes} (this node's, already in the store) to every peer as an incremental update. */
    public void pushChanges(List<Change> changes) {
        pusher.pushChanges(changes);
    }

    /** Tells the greeting flow which names are removed peers that liveness greets again itself. */
    void departed(Predicate<String> isDeparted) {
        this.departed = Objects.requireNonNull(isDeparted, "isDeparted");
    }

    /** What {@link Liveness} does through the greeting flow. */
    Liveness.Peers forLiveness() {
        return new Liveness.Peers() {
            @Override
            public Mono<NodeInfo> ping(HostPort addr) {
                return Membership.this.ping(addr);
            }

            @Override
            public Mono<NodeInfo> greet(HostPort addr) {
                return Membership.this.greet(addr, true, false);
            }

            @Override
            public void answered(String peer) {
                pusher.repair(peer);
            }

            @Override
            public void removed(String peer) {
                pusher.forget(peer);
                updateLag.remove(peer);
                fullAsked.remove(peer);
            }

            @Override
            public void returned(NodeInfo info) {
                // The greeting flow exchanged full updates when it took the peer in; unless a race with the
                // removal hid that it was new, in which case this makes up for it.
                ensureFullUpdateFrom(info);
                if (info.lastUpdatePushed() == 0 && !pusher.busy(info.name())) {
                    pusher.requestFull(info.name());
                }
            }
        };
    }

    boolean pushBusy(String peer) {
        return pusher.busy(peer);
    }

    /** The pusher; for tests. */
    UpdatePusher pusher() {
        return pusher;
    }

    private void background(Mono<?> work) {
        tasks.run(work, e -> log.warn("{}", e.getMessage()));
    }

    @Override
    public void close() {
        tasks.close();
        pusher.close();
    }
}
