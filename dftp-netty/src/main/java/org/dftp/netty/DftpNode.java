package org.dftp.netty;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.cluster.Event;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.LocalScanner;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.PublicHttpServer;
import org.dftp.ftp.DfsFtpServer;
import org.dftp.netty.cluster.ClusterServices;
import org.dftp.ftp.FtpOptions;
import org.dftp.netty.proxy.PeerAddresses;
import org.dftp.netty.proxy.PeerFileStreams;
import org.dftp.netty.proxy.ProxyClient;
import org.dftp.netty.proxy.RemoteFileProxy;
import org.slf4j.Logger;
import reactor.netty.http.client.HttpClient;
import org.slf4j.LoggerFactory;

/**
 * One running dftp node: the store, the local scan, and every listener. {@link #start} returns once
 * the node serves; {@link #close} stops everything it started, in reverse order.
 */
public final class DftpNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DftpNode.class);

    private final NodeConfig config;
    private final DfsStore store;
    private final LocalRoot localRoot;
    private final NodeMetrics metrics = new NodeMetrics();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final List<AutoCloseable> started = new ArrayList<>();
    private PublicHttpServer http;
    private DfsFtpServer ftp;
    private ClusterServices cluster;

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
        long now = Clock.systemUTC().millis() / 1000;
        NodeInfo self = NodeInfo.of(config.nodeName(), config.httpListen().toString(), config.mgmtListen().toString());
        DfsStore store = new DfsStore(ClusterState.initial(config.clusterName(), self));
        DftpNode node = new DftpNode(config, store, root);
        try {
            node.scan(now);
            node.listen();
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

    private void scan(long now) {
        long t0 = System.nanoTime();
        LocalScanner.Result r = new LocalScanner(localRoot, config.nodeName()).scan(now);
        long t1 = System.nanoTime();
        store.publish(new Event.LocalScanned(r.changes(), true, now)).join();
        long t2 = System.nanoTime();
        // The original's line, word for word: users and scripts grep for it.
        log.info("Scanner: local scan finished, {} file(s) found", r.files());
        log.info("Scanner: {} entries read in {} ms, indexed in {} ms", r.changes().size(), (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000);
    }

    private void listen() throws InterruptedException, IOException {
        HttpClient peerFiles = ProxyClient.create(workers);
        PeerAddresses addresses = new PeerAddresses(store::snapshot);
        RemoteFileProxy proxy = new RemoteFileProxy(peerFiles, addresses, metrics);
        DfsHttpContext context = new DfsHttpContext(() -> store.snapshot().tree(), config.nodeName(), localRoot,
                proxy, metrics);
        http = PublicHttpServer.start(config.httpListen(), boss, workers, context);
        started.add(http);
        log.info("HTTP public interface listening on {}... ({} transport)", shown(config.httpListen(), http.port()),
                Transports.name());
        cluster = ClusterServices.start(config, store, metrics, http.port());
        started.add(cluster);
        if (config.ftpListen() != null) {
            FtpOptions options = new FtpOptions(config.nodeName(), config.ftpListen().host(), config.ftpListen().port(),
                    config.ftpPassivePorts(), config.ftpPassiveAddress(), config.ftpMaxConnections(),
                    config.ftpIdleTimeout());
            PeerFileStreams streams = new PeerFileStreams(addresses);
            ftp = new DfsFtpServer(options, () -> store.snapshot().tree(), localRoot, streams::open);
            ftp.start();
            started.add(ftp);
        }
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
        store.close();
    }
}
