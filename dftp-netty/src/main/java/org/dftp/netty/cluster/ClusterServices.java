package org.dftp.netty.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.tree.Change;
import org.dftp.netty.HostPort;
import org.dftp.netty.StartFailures;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;

/**
 * Everything a node needs to be part of a cluster, started in one call: the management API on
 * {@link NodeConfig#mgmtListen()}, the {@link PeerClient}, the greeting flow ({@link Membership}),
 * {@link Liveness} (pings every {@link NodeConfig#pingInterval()}) and multicast discovery (unless
 * {@link NodeConfig#multicastDiscovery()} is null).
 *
 * <pre>{@code
 * try (ClusterServices cluster = ClusterServices.start(cfg, store, metrics, publicPort)) {
 *     int mgmtPort = cluster.mgmtPort();
 *     ...
 * }
 * }</pre>
 *
 * It only publishes events to the {@link DfsStore} (starting with {@code SelfAddresses}: the addresses it
 * advertises, with the bound ports) and reads its snapshots; closing it stops the server, discovery, the
 * client and every greeting or push under way, and leaves the store alone. Peers are recorded with the
 * host of both addresses filled in, so {@code proxy.PeerAddresses} finds an owner's public API.
 */
public final class ClusterServices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterServices.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration PUSH_TIMEOUT = Duration.ofSeconds(60);

    private final LoopResources loops;
    private final PeerClient client;
    private final Membership membership;
    private final DisposableServer server;
    private final MulticastDiscovery discovery;
    private final Liveness liveness;
    private final WarmUp warmUp;

    private ClusterServices(LoopResources loops, PeerClient client, Membership membership, DisposableServer server,
                            MulticastDiscovery discovery, Liveness liveness, WarmUp warmUp) {
        this.loops = loops;
        this.client = client;
        this.membership = membership;
        this.server = server;
        this.discovery = discovery;
        this.liveness = liveness;
        this.warmUp = warmUp;
    }

    /** {@link #start(NodeConfig, DfsStore, NodeMetrics, int, Clock)} with the system clock. */
    public static ClusterServices start(NodeConfig cfg, DfsStore store, NodeMetrics metrics, int publicPort)
            throws IOException {
        return start(cfg, store, metrics, publicPort, Clock.systemUTC());
    }

    /**
     * Binds the management API and starts discovery. Logs {@code HTTP mgmt interface listening on <addr>...}.
     *
     * @param cfg the node's flags: {@code mgmtListen}, {@code httpListen} (its host is advertised),
     *            {@code multicastDiscovery} (null: off), {@code clusterName}, {@code pingInterval},
     *            {@code pingFailures}
     * @param store the node's store; its {@code selfName()} is this node's name
     * @param metrics counters shown on {@code /metrics}
     * @param publicPort the port the public HTTP server is bound to (advertised to peers)
     * @param clock the time put into events and updates
     * @throws IOException when the management port cannot be bound or discovery cannot start
     */
    public static ClusterServices start(NodeConfig cfg, DfsStore store, NodeMetrics metrics, int publicPort,
                                        Clock clock) throws IOException {
        return start(cfg, store, metrics, publicPort, clock, null);
    }

    /** The same, speaking TLS with every peer when {@code tls} is not null ({@code -peer-tls}). */
    public static ClusterServices start(NodeConfig cfg, DfsStore store, NodeMetrics metrics, int publicPort,
                                        Clock clock, org.dftp.netty.tls.PeerTls tls) throws IOException {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(store, "store");
        LoopResources loops = LoopResources.create("dftp-mgmt", 1, 2, true);
        PeerClient client = null;
        Membership membership = null;
        DisposableServer server = null;
        Liveness liveness = null;
        try {
            ClusterSigning signing = cfg.peers().secret() == null ? null : new ClusterSigning(cfg.peers().secret(), clock);
            client = new PeerClient(loops, CONNECT_TIMEOUT, RESPONSE_TIMEOUT, PUSH_TIMEOUT, tls, signing);
            HostPort publicAddr = advertised(cfg.httpListen().host(), publicPort);
            membership = new Membership(store, client, metrics, clock, publicAddr,
                    advertised(cfg.mgmtListen().host(), cfg.mgmtListen().port()),
                    new PeerAdmission(cfg.peers().maxPeers(), cfg.peers().maxPendingGreetings()));
            ManagementServer api = new ManagementServer(membership, store, metrics, clock, cfg.peers().maxClockSkew(),
                    signing, cfg.limits());
            try {
                server = api.bind(cfg.mgmtListen(), loops, tls);
            } catch (RuntimeException e) {
                throw StartFailures.cannotListen("-http-mgmt-listen", cfg.mgmtListen(), e);
            }
            int port = ((InetSocketAddress) server.address()).getPort();
            HostPort mgmtAddr = advertised(cfg.mgmtListen().host(), port);
            membership.advertise(publicAddr, mgmtAddr);
            store.publish(new Event.SelfAddresses(publicAddr.toString(), mgmtAddr.toString())).join();
            log.info("HTTP mgmt interface listening on {}...", new HostPort(cfg.mgmtListen().host(), port));
            // The original protocol has no authentication: say so once, where an operator looks first.
            if (signing != null) {
                log.info("Cluster secret set: every request between nodes and every discovery ping is signed and "
                        + "checked; nodes without the secret (original ones included) are refused");
            } else log.warn("The management port {} takes unsigned requests, as the original dftp does: anyone who can "
                    + "reach it can add files to the tree and peers to the cluster. Keep it on a private network "
                    + "(see docs/RELIABILITY.md)", port);

            MulticastDiscovery discovery = null;
            if (cfg.multicastDiscovery() != null) {
                discovery = MulticastDiscovery.start(cfg.multicastDiscovery(), cfg.clusterName(),
                        store.snapshot().selfName(), membership.advertisedMgmtAddr(), MulticastDiscovery.PING_INTERVAL,
                        membership::discovered, signing, metrics);
            }
            liveness = Liveness.start(store, membership.forLiveness(), metrics, clock, cfg.pingInterval(),
                    cfg.pingFailures(), cfg.peers().maxPeers());
            membership.departed(liveness::isDeparted);
            WarmUp warmUp = WarmUp.start(membership, client, mgmtAddr);
            return new ClusterServices(loops, client, membership, server, discovery, liveness, warmUp);
        } catch (IOException | RuntimeException e) {
            if (liveness != null) {
                liveness.close();
            }
            if (server != null) {
                server.disposeNow(Duration.ofSeconds(2));
            }
            if (membership != null) {
                membership.close();
            }
            if (client != null) {
                client.close();
            }
            try {
                loops.disposeLater().block(Duration.ofSeconds(2));
            } catch (RuntimeException slow) {
                // A slow shutdown of the loops must not hide why the start failed.
                e.addSuppressed(slow);
            }
            throw e;
        }
    }

    /** An address to advertise: an unspecified bind host becomes empty, "where you see me". */
    private static HostPort advertised(String bindHost, int port) {
        return new HostPort(MgmtInput.isUnspecified(bindHost) ? "" : bindHost, port);
    }

    /** The port the management API is bound to. */
    public int mgmtPort() {
        return ((InetSocketAddress) server.address()).getPort();
    }

    /** The greeting flow, for the CLI and tests (join, greet, pushes). */
    public Membership membership() {
        return membership;
    }

    /** The client to other nodes' management APIs. */
    public PeerClient client() {
        return client;
    }

    /** Greets each address asking for a full update, as {@code POST /join/} does. */
    public Mono<Void> join(List<HostPort> peers) {
        return membership.join(peers);
    }

    /**
     * Announces {@code changes} of this node's offers, already in the store, to every peer as one
     * incremental update ({@code Full: false}, withdrawals as {@code Deletion: true}).
     */
    public void pushChanges(List<Change> changes) {
        membership.pushChanges(changes);
    }

    /** Sends every peer a full update of this node's offers (the periodic safety net). */
    public void pushFullUpdates() {
        membership.pushFullToAll();
    }

    /**
     * Completes when the start-up warm-up is over: the code of a join has run once, so a join no longer
     * pays the JVM's first-run costs (see {@code WarmUp}). For benchmarks and tests; nothing waits for it.
     */
    public CompletableFuture<Void> warmedUp() {
        return warmUp.done();
    }

    /** The interfaces discovery joined the group on; empty when discovery is off. */
    public List<String> discoveryInterfaces() {
        return discovery == null ? List.of() : discovery.interfaces();
    }

    @Override
    public void close() {
        liveness.close();
        warmUp.close();
        if (discovery != null) {
            discovery.close();
        }
        membership.close();
        server.disposeNow(Duration.ofSeconds(3));
        client.close();
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
    }
}
