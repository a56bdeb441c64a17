package org.dftp.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.dftp.core.DfsPath;
import org.dftp.core.access.AccessLog;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.LocalSync;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.wire.NodeInfo;
import org.dftp.netty.cluster.ClusterServices;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.PublicHttpInitializer;
import org.dftp.netty.http.RemoteFiles;
import org.dftp.netty.tls.ServerTls;

/**
 * The public entry point for embedding dftp's HTTP server in a Netty application of one's own: a directory
 * served read-only at {@code /fs/...} (listings, files with ranges and conditionals, {@code /find/}), over
 * the very pipeline a dftp node runs on its public port ({@link PublicHttpInitializer}: HTTP/1.1, HTTP/2
 * with TLS, timeouts, per-address limits, compression of listings).
 *
 * <p>The host keeps its own {@code ServerBootstrap}, event loops and logging backend; this class only gives
 * it the {@link #initializer() child handler} to put on its channels:
 *
 * <pre>{@code
 * try (DftpHttp dftp = DftpHttp.builder().root(Path.of("/srv/files")).mount("files").build()) {
 *     Channel server = new ServerBootstrap()
 *             .group(group)
 *             .channel(NioServerSocketChannel.class)
 *             .childHandler(dftp.initializer())
 *             .bind(8080).sync().channel();
 *     server.closeFuture().sync();
 * }
 * }</pre>
 *
 * <p>By default {@link Builder#build()} scans the root once and then follows it with a file-system watcher,
 * so files added or removed later are served (or no longer) from the next request on; {@link #close()}
 * stops the watcher. A host that maintains its own tree (for example from its own cluster services) passes
 * it with {@link Builder#tree(Supplier)} and the way to serve other nodes' files with
 * {@link Builder#remote(RemoteFiles)}; then nothing is scanned or watched.
 *
 * <p>With {@link Builder#cluster(ClusterOptions)} the server is a node of a dftp cluster as well: it starts
 * the management API, membership, liveness and discovery a runnable node starts, announces its files to its
 * peers, lists theirs and streams them from their owners; {@link #close()} stops all of it. Off by default.
 *
 * <p>Thread safety: the initializer is shared by every channel of the server, and an instance may serve
 * any number of servers at once. No thread is started other than the watcher's and the store's, and with
 * the cluster option those of the cluster services and one event loop for the proxy.
 */
public final class DftpHttp implements AutoCloseable {
    private final PublicHttpInitializer initializer;
    private final Supplier<DfsTree> tree;
    private final NodeMetrics metrics;
    private final DfsStore store;
    private final LocalSync sync;
    private final EmbeddedCluster cluster;

    private DftpHttp(PublicHttpInitializer initializer, Supplier<DfsTree> tree, NodeMetrics metrics,
                     DfsStore store, LocalSync sync, EmbeddedCluster cluster) {
        this.initializer = initializer;
        this.tree = tree;
        this.metrics = metrics;
        this.store = store;
        this.sync = sync;
        this.cluster = cluster;
    }

    /**
     * A new builder; {@link Builder#root(Path)} is the one setting without a default.
     *
     * @return a builder with every optional setting at its default
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The handler to put on every accepted channel, e.g. with {@code ServerBootstrap.childHandler}. It is
     * {@link io.netty.channel.ChannelHandler.Sharable sharable}: the same instance serves every connection.
     *
     * @return the public HTTP pipeline's initializer
     */
    public ChannelInitializer<Channel> initializer() {
        return initializer;
    }

    /**
     * What is served now.
     *
     * @return the current tree, as the next request will see it
     */
    public DfsTree tree() {
        return tree.get();
    }

    /**
     * The counters every request adds to: bytes served, responses by status, refused connections. A host
     * exports them through its own metrics system with {@link NodeMetrics#report(MetricsSink)}.
     *
     * @return the metrics given to {@link Builder#metrics(NodeMetrics)}, or the ones made for this server
     */
    public NodeMetrics metrics() {
        return metrics;
    }

    /**
     * The cluster services started for {@link Builder#cluster(ClusterOptions)}: membership, the peer client,
     * {@link ClusterServices#join(List) joining}.
     *
     * @return the running services, or null when this server is not part of a cluster
     */
    public ClusterServices cluster() {
        return cluster == null ? null : cluster.services();
    }

    /**
     * The port the management API is bound to, the one to give a peer's {@code POST /join/}.
     *
     * @return the bound port (the one picked, for port 0)
     * @throws IllegalStateException when this server is not part of a cluster
     */
    public int mgmtPort() {
        if (cluster == null) {
            throw new IllegalStateException("no cluster services: see Builder.cluster");
        }
        return cluster.services().mgmtPort();
    }

    /**
     * Scans the root again and serves what it finds from then on, for a host that knows the disk changed in
     * ways a watcher misses (a network file system, say). Does nothing with {@link Builder#tree(Supplier)}.
     */
    public void rescan() {
        if (sync != null) {
            sync.rescan();
        }
    }

    /**
     * Stops the cluster services if any (peers see this node leave), then following the root (its watcher
     * and the thread that indexes its changes). Channels the host opened are the host's to close, as are its
     * event loops; a request still running after this is served from the last tree. Closing twice does
     * nothing more.
     */
    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
        if (sync != null) {
            sync.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /**
     * The settings of a {@link DftpHttp}. Every setter returns this builder; the builder is not thread-safe
     * and may build more than one server.
     */
    public static final class Builder {
        private Path root;
        private DfsPath mount = DfsPath.ROOT;
        private String nodeName = "local";
        private Supplier<DfsTree> tree;
        private RemoteFiles remote = RemoteFiles.NONE;
        private NodeMetrics metrics;
        private NodeConfig.Limits limits = NodeConfig.Limits.DEFAULTS;
        private ServerTls tls;
        private AccessLog accessLog = AccessLog.OFF;
        private boolean watch = true;
        private ClusterOptions cluster;

        private Builder() {
        }

        /**
         * The local directory to serve (required).
         *
         * @param root an existing directory
         * @return this builder
         */
        public Builder root(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Where the root appears in the served tree, e.g. {@code "files"} to serve its {@code a.txt} at
         * {@code /fs/files/a.txt}. Default: the root is the tree's top, {@code /fs/a.txt}.
         *
         * @param mount a path of slash-separated names, without {@code .} or {@code ..}; empty for the top
         * @return this builder
         */
        public Builder mount(String mount) {
            this.mount = DfsPath.of(Objects.requireNonNull(mount, "mount"));
            return this;
        }

        /**
         * The name this server's files are owned by in listings (and in a cluster's tree). Default
         * {@code "local"}.
         *
         * @param nodeName a node name, unique in the cluster when there is one
         * @return this builder
         */
        public Builder nodeName(String nodeName) {
            this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
            return this;
        }

        /**
         * Serves this tree instead of a scan of the root: the host maintains it (for instance from its own
         * cluster state) and the supplier is read once per request. Turns the scan and the watcher off. The
         * files this server owns ({@link #nodeName(String)}) under the {@link #mount(String) mount} are
         * still read from the root.
         *
         * @param tree the current tree, read once per request
         * @return this builder
         */
        public Builder tree(Supplier<DfsTree> tree) {
            this.tree = Objects.requireNonNull(tree, "tree");
            return this;
        }

        /**
         * How files that other nodes own are served: the host's cluster services. Default
         * {@link RemoteFiles#NONE}, which answers them {@code 502}.
         *
         * @param remote the way to stream another node's file to the client
         * @return this builder
         */
        public Builder remote(RemoteFiles remote) {
            this.remote = Objects.requireNonNull(remote, "remote");
            return this;
        }

        /**
         * Where requests are counted, for a host that exposes them; default: counters of this server's own.
         *
         * @param metrics the counters to add to
         * @return this builder
         */
        public Builder metrics(NodeMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Timeouts and the per-address connection limit (a node's {@code -http-*} flags). Default
         * {@link NodeConfig.Limits#DEFAULTS}.
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder limits(NodeConfig.Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Speaks HTTPS (and HTTP/2 where the client offers it) with this certificate; default plain HTTP.
         *
         * @param tls a certificate, e.g. from {@link ServerTls#load(Path, Path)}, or null for plain HTTP
         * @return this builder
         */
        public Builder tls(ServerTls tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Writes a line for every request to this log (a node's {@code -access-log}). Default none. The log
         * stays the host's to close, after its event loops.
         *
         * @param accessLog an open log, or {@link AccessLog#OFF}
         * @return this builder
         */
        public Builder accessLog(AccessLog accessLog) {
            this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
            return this;
        }

        /**
         * Whether the scanned root is followed by a watcher (default) or served as the start-up scan found
         * it until {@link DftpHttp#rescan()}.
         *
         * @param watch false to scan only at start and on {@link DftpHttp#rescan()}
         * @return this builder
         */
        public Builder watch(boolean watch) {
            this.watch = watch;
            return this;
        }

        /**
         * Makes the server a node of a dftp cluster: {@link DftpHttp#build()} starts the management API on
         * {@link ClusterOptions#mgmtListen()} and the services a runnable node runs (membership, liveness,
         * discovery if asked), and files owned by other nodes are proxied from them. Peers join with
         * {@code POST /join/} on either side's management API. Cannot be combined with
         * {@link #tree(Supplier)} or {@link #remote(RemoteFiles)}: the cluster maintains both. Default: no
         * cluster.
         *
         * @param options the management address, the public address to advertise, the cluster's name
         * @return this builder
         */
        public Builder cluster(ClusterOptions options) {
            this.cluster = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Scans the root (unless a {@link #tree(Supplier) tree} was given) and makes the server. Returns
         * once the scan is served.
         *
         * @return a server to take the {@link DftpHttp#initializer() initializer} of, and to close
         * @throws IOException when the root is not a readable directory or cannot be watched
         * @throws IllegalStateException when no root was set, or a cluster with a tree or a remote
         */
        public DftpHttp build() throws IOException {
            if (root == null) {
                throw new IllegalStateException("root is required");
            }
            if (cluster != null && (tree != null || remote != RemoteFiles.NONE)) {
                throw new IllegalStateException("cluster maintains the tree and serves remote files itself");
            }
            LocalRoot local = LocalRoot.of(root, mount);
            NodeMetrics m = metrics != null ? metrics : new NodeMetrics();
            DfsStore store = null;
            LocalSync sync = null;
            Supplier<DfsTree> served = tree;
            EmbeddedCluster c = null;
            if (served == null) {
                store = new DfsStore(cluster == null ? ClusterState.initial("embedded", NodeInfo.of(nodeName, "", ""))
                        : cluster.initialState(nodeName));
                PeerPushes pushes = new PeerPushes();
                sync = new LocalSync(local, nodeName, store, Clock.systemUTC(), DftpNode.WATCH_COALESCE, pushes);
                try {
                    if (watch) {
                        sync.watch();
                        m.unwatchedDirectoriesFrom(sync::unwatchedDirectories);
                    }
                    sync.scan();
                    if (cluster != null) {
                        // After the scan: the first greeting to a peer carries this node's files.
                        c = EmbeddedCluster.start(cluster, cluster.nodeConfig(nodeName, root, limits), store, m);
                        pushes.to(c.services());
                    }
                } catch (IOException | RuntimeException e) {
                    sync.close();
                    store.close();
                    throw e;
                }
                DfsStore s = store;
                served = () -> s.snapshot().tree();
            }
            DfsHttpContext context = c == null ? new DfsHttpContext(served, nodeName, local, remote, m)
                    : new DfsHttpContext(served, nodeName, local, c.proxy(), m, c.access(), null);
            return new DftpHttp(new PublicHttpInitializer(context, tls, limits, accessLog), served, m, store, sync, c);
        }
    }
}
