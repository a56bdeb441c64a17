package org.dftp.netty;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.LocalSync;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.auth.Users;
import org.dftp.core.access.AccessLog;
import org.dftp.core.write.LocalWrites;
import org.dftp.netty.dav.DavContext;
import org.dftp.netty.dav.DavHandler;
import org.dftp.netty.dav.WriteForwarder;
import org.dftp.netty.http.Access;
import org.dftp.netty.tls.HttpsRedirect;
import org.dftp.netty.tls.PeerTls;
import org.dftp.netty.tls.ServerTls;
import org.dftp.ftp.FtpWrites;
import org.dftp.netty.proxy.PeerWrites;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.concurrent.ExecutorService;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.PublicHttpServer;
import org.dftp.ftp.DfsFtpServer;
import org.dftp.netty.cluster.ClusterServices;
import org.dftp.ftp.FtpOptions;
import org.dftp.ftp.FtpTls;
import org.dftp.netty.proxy.PeerAddresses;
import org.dftp.netty.proxy.PeerFileStreams;
import org.dftp.netty.proxy.ProxyClient;
import org.dftp.netty.proxy.RemoteFileProxy;
import org.slf4j.Logger;
import reactor.netty.http.client.HttpClient;
import org.slf4j.LoggerFactory;

/**
 * One running dftp node: the store, the local tree (scanned, then followed by a watcher and rescanned
 * every {@code -full-update-interval}), and every listener. {@link #start} returns once the node serves;
 * {@link #close} stops everything it started, in reverse order.
 *
 * <p>Local changes go to the store first and then to every peer: a watcher batch as one incremental
 * update, a periodic rescan as a full update to each peer.
 */
public final class DftpNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DftpNode.class);
    /** How long the local disk must be quiet before its changes go out (see {@code LocalWatcher}). */
    static final Duration WATCH_COALESCE = Duration.ofMillis(100);

    private final NodeConfig config;
    private final DfsStore store;
    private final LocalRoot localRoot;
    private final NodeMetrics metrics = new NodeMetrics();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final List<AutoCloseable> started = new ArrayList<>();
    private PublicHttpServer http;
    private DfsFtpServer ftp;
    private volatile ClusterServices cluster;
    /** The local changes to the peers, once {@link #cluster} runs. */
    private final PeerPushes pushes = new PeerPushes();
    private LocalSync local;
    private Users users;
    private LocalWrites writes;
    private ServerTls serverTls;
    private PeerTls peerTls;
    /** Signs and checks the hops between public ports in a cluster with a secret; null without one. */
    private org.dftp.netty.http.HopSignature hop;
    private final LoginThrottle throttle = new LoginThrottle();
    private AccessLog accessLog = AccessLog.OFF;
    /**
     * Threads that write uploads to disk. Each commit waits for two fsyncs (the file, its directory), so
     * concurrent small uploads are bound by how many wait at once, not by the CPU: 64 concurrent 1 MiB
     * uploads kept 4 threads all in fsync. They are cheap while they wait.
     */
    private static final int WRITE_THREADS = 16;

    private DftpNode(NodeConfig config, DfsStore store, LocalRoot localRoot) {
        this.config = config;
        this.store = store;
        this.localRoot = localRoot;
        this.boss = Transports.newGroup(1);
        // One loop per core, as nginx runs one worker per core: sendfile needs no more threads than cores.
        this.workers = Transports.newGroup(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Scans the local tree, then starts every listener.
     *
     * @throws IOException when the dfsroot cannot be read or a port cannot be bound
     */
    public static DftpNode start(NodeConfig config) throws IOException {
        LocalRoot root = LocalRoot.of(config.dfsRoot(), config.dfsMount());
        NodeInfo self = NodeInfo.of(config.nodeName(), config.httpListen().toString(), config.mgmtListen().toString());
        DfsStore store = new DfsStore(ClusterState.initial(config.clusterName(), self));
        DftpNode node = new DftpNode(config, store, root);
        try {
            node.openAccessLog();
            node.scan();
            node.listen();
            node.rescanPeriodically();
        } catch (Exception e) {
            // Netty's sync() rethrows a BindException undeclared: every failure ends the start the same way.
            node.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return node;
    }

    /** The {@code -access-log} file, opened first: a path it cannot write ends the start at once. */
    private void openAccessLog() throws IOException {
        String target = config.accessLog();
        if (target == null) {
            return;
        }
        try {
            accessLog = AccessLog.open(target);
        } catch (IOException e) {
            throw StartFailures.cannotWrite("-access-log", target, e);
        }
        metrics.accessLogDroppedFrom(accessLog::dropped);
    }

    /** Starts watching the local tree, then scans it: what changes during the scan is not missed. */
    private void scan() throws IOException {
        local = new LocalSync(localRoot, config.nodeName(), store, Clock.systemUTC(), WATCH_COALESCE, pushes);
        started.add(local);
        local.watch();
        metrics.unwatchedDirectoriesFrom(local::unwatchedDirectories);
        LocalSync.Scanned r = local.scan();
        // The original's line, word for word: users and scripts grep for it.
        log.info("Scanner: local scan finished, {} file(s) found", r.files());
        log.info("Scanner: {} entries read in {} ms, indexed in {} ms", r.entries(), r.scanMillis(), r.indexMillis());
    }

    /** Every {@code -full-update-interval}: a full rescan, then a full update to every peer. */
    private void rescanPeriodically() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dftp-rescan");
            t.setDaemon(true);
            return t;
        });
        long every = config.fullUpdateInterval().toNanos();
        timer.scheduleWithFixedDelay(() -> {
            try {
                local.rescan();
            } catch (RuntimeException e) {
                // Thrown out of the task, it would end the schedule.
                log.error("Scanner: periodic rescan failed", e);
            }
        }, every, every, TimeUnit.NANOSECONDS);
        started.add(timer::shutdownNow);
    }

    private void listen() throws InterruptedException, IOException {
        peerTls = peerTls();
        org.dftp.core.auth.ClusterKey secret = config.peers().secret();
        // One for the node: its replay guard sees every hop that reaches the public port.
        hop = secret == null ? null : new org.dftp.netty.http.HopSignature(secret, Clock.systemUTC());
        HttpClient peerFiles = ProxyClient.create(workers, peerTls);
        PeerAddresses addresses = new PeerAddresses(store::snapshot);
        // One blocking client of the owners for FTP and folder archives alike, its hops signed as the proxy's.
        PeerFileStreams streams = new PeerFileStreams(addresses, peerTls, hop);
        RemoteFileProxy proxy = new RemoteFileProxy(peerFiles, addresses, metrics, peerTls != null, streams, hop);
        DfsHttpContext context = new DfsHttpContext(() -> store.snapshot().tree(), config.nodeName(), localRoot,
                proxy, metrics, access(addresses), dav(addresses));
        NodeConfig.Tls t = config.tls();
        ServerTls tls = t.enabled() ? serverTls() : null;
        http = listening("-http-listen", config.httpListen(),
                () -> PublicHttpServer.start(config.httpListen(), boss, workers, context, tls, config.limits(),
                        accessLog));
        started.add(http);
        log.info("HTTP{} public interface listening on {}... ({} transport)", t.enabled() ? "S" : "",
                shown(config.httpListen(), http.port()), Transports.name());
        if (t.redirectListen() != null) {
            PublicHttpServer redirect = listening("-http-redirect-listen", t.redirectListen(),
                    () -> PublicHttpServer.start(t.redirectListen(), boss, workers, HttpsRedirect.initializer(http.port(),
                            config.limits(), metrics)));
            started.add(redirect);
            log.info("HTTP redirect to HTTPS listening on {}...", shown(t.redirectListen(), redirect.port()));
        }
        cluster = ClusterServices.start(config, store, metrics, http.port(), Clock.systemUTC(), peerTls);
        started.add(cluster);
        pushes.to(cluster);
        if (config.ftpListen() != null) {
            FtpOptions options = new FtpOptions(config.nodeName(), config.ftpListen().host(), config.ftpListen().port(),
                    config.ftpPassivePorts(), config.ftpPassiveAddress(), config.ftpMaxConnections(),
                    config.ftpIdleTimeout())
                    .withLoginLimits(config.limits().ftpLoginTimeout(), config.limits().ftpMaxConnectionsPerAddress());
            if (tls != null) {
                // Built now, so that a key the JDK cannot read stops the start instead of every AUTH.
                try {
                    tls.jdkContext();
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                options = options.withTls(new FtpTls(tls::jdkContext, t.ftpRequireTls()));
            }
            NodeConfig.Writes w = config.writes();
            FtpWrites ftpWrites = new FtpWrites(users.isEmpty() ? null : writes,
                    users.isEmpty() ? null : new PeerWrites(addresses, peerTls, hop), users, throttle, w.anonymousRead(),
                    w.maxUploadSize());
            ftp = new DfsFtpServer(options, () -> store.snapshot().tree(), localRoot, streams::open, ftpWrites,
                    accessLog);
            try {
                ftp.start();
            } catch (IOException e) {
                throw StartFailures.cannotListen("-ftp-listen", config.ftpListen(), e);
            }
            started.add(ftp);
            metrics.ftpFrom(ftp::metrics);
        }
    }

    private interface Listener {
        PublicHttpServer start() throws InterruptedException;
    }

    /** Starts one listener; a port that cannot be bound ends the start naming its flag and address. */
    private static PublicHttpServer listening(String flag, HostPort address, Listener listener)
            throws InterruptedException, IOException {
        try {
            return listener.start();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Netty's sync() rethrows the BindException undeclared.
            throw StartFailures.cannotListen(flag, address, e);
        }
    }

    /**
     * The users, read once here (a bad users file stops the start with its line named) and again whenever
     * it changes. Passwords are checked on threads of their own: each check is a tenth of a second of PBKDF2.
     */
    private Access access(PeerAddresses addresses) throws IOException {
        NodeConfig.Writes w = config.writes();
        users = w.usersFile() == null ? Users.none() : Users.load(w.usersFile());
        ExecutorService verifier = Executors.newFixedThreadPool(2, daemon("dftp-auth"));
        started.add(verifier::shutdownNow);
        Access access = new Access(users, w.anonymousRead(), throttle, addresses::isPeer, verifier);
        return hop == null ? access : access.withHopSignature(hop);
    }

    /** WebDAV over this node's disk: disk work on a few threads of its own, never on an event loop. */
    private DavHandler dav(PeerAddresses addresses) {
        EventExecutorGroup io = new DefaultEventExecutorGroup(WRITE_THREADS, daemon("dftp-write"));
        started.add(() -> io.shutdownGracefully(0, 2, TimeUnit.SECONDS));
        writes = new LocalWrites(localRoot, local);
        DavContext dav = new DavContext(writes, WriteForwarder.toPeers(addresses::publicAddress, peerTls, hop),
                config.writes().maxUploadSize(), io);
        return new DavHandler(() -> store.snapshot().tree(), config.nodeName(), dav, !users.isEmpty());
    }

    /** The public port's certificate, loaded once for HTTPS and the peers' TLS alike. */
    private ServerTls serverTls() throws IOException {
        if (serverTls == null) {
            serverTls = ServerTls.load(config.tls().cert(), config.tls().key());
        }
        return serverTls;
    }

    /** TLS between nodes ({@code -peer-tls}), or null when the node speaks plain HTTP to its peers. */
    private PeerTls peerTls() throws IOException {
        NodeConfig.Tls t = config.tls();
        if (!t.peerTls()) {
            return null;
        }
        return PeerTls.create(serverTls(), t.peerCa() != null ? t.peerCa() : t.cert());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return new io.netty.util.concurrent.DefaultThreadFactory(name, true);
    }

    private static String shown(HostPort flag, int actualPort) {
        return new HostPort(flag.host(), actualPort).toString();
    }

    public NodeConfig config() {
        return config;
    }

    public DfsStore store() {
        return store;
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    public int httpPort() {
        return http.port();
    }

    public int mgmtPort() {
        return cluster.mgmtPort();
    }

    /** The cluster services: membership, the peer client, joining. */
    public ClusterServices cluster() {
        return cluster;
    }

    /** The FTP port, or -1 when FTP is off. */
    public int ftpPort() {
        return ftp == null ? -1 : ftp.port();
    }

    @Override
    public void close() {
        List<AutoCloseable> toClose = new ArrayList<>(started);
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Shutdown: closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        started.clear();
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        // After the event loops: the connections they closed last still get their lines.
        accessLog.close();
        store.close();
    }
}
