package org.dftp.netty;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.dftp.core.cluster.DfsStore;
import org.dftp.netty.cluster.ClusterServices;
import org.dftp.netty.http.Access;
import org.dftp.netty.http.HopSignature;
import org.dftp.netty.http.RemoteFiles;
import org.dftp.netty.proxy.PeerAddresses;
import org.dftp.netty.proxy.PeerFileStreams;
import org.dftp.netty.proxy.ProxyClient;
import org.dftp.netty.proxy.RemoteFileProxy;

/**
 * The cluster side of an embedded server ({@link ClusterOptions}): the very services a runnable node starts
 * ({@link ClusterServices}: management API, membership, liveness, discovery) and the proxy that streams the
 * files other nodes own, on one event loop of its own, since the host's loops are not known when the
 * builder runs. Started by {@link DftpHttp.Builder#build()}, stopped by {@link DftpHttp#close()}.
 */
final class EmbeddedCluster implements AutoCloseable {
    private final ClusterServices services;
    private final EventLoopGroup proxyLoop;
    private final RemoteFiles proxy;
    private final Access access;

    private EmbeddedCluster(ClusterServices services, EventLoopGroup proxyLoop, RemoteFiles proxy, Access access) {
        this.services = services;
        this.proxyLoop = proxyLoop;
        this.proxy = proxy;
        this.access = access;
    }

    static EmbeddedCluster start(ClusterOptions options, NodeConfig config, DfsStore store, NodeMetrics metrics)
            throws IOException {
        org.dftp.core.auth.ClusterKey secret = options.peers().secret();
        // As on a node: with a cluster secret, every hop to an owner is signed and every hop that comes is checked.
        HopSignature hop = secret == null ? null : new HopSignature(secret, Clock.systemUTC());
        PeerAddresses addresses = new PeerAddresses(store::snapshot);
        EventLoopGroup loop = Transports.newGroup(1);
        try {
            RemoteFileProxy proxy = new RemoteFileProxy(ProxyClient.create(loop), addresses, metrics, false,
                    new PeerFileStreams(addresses, null, hop), hop);
            ClusterServices services = ClusterServices.start(config, store, metrics, options.publicAddress().port(),
                    Clock.systemUTC(), null);
            Access access = hop == null ? Access.READ_ONLY : Access.READ_ONLY.withHopSignature(hop);
            return new EmbeddedCluster(services, loop, proxy, access);
        } catch (IOException | RuntimeException e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    ClusterServices services() {
        return services;
    }

    RemoteFiles proxy() {
        return proxy;
    }

    Access access() {
        return access;
    }

    @Override
    public void close() {
        services.close();
        proxyLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
