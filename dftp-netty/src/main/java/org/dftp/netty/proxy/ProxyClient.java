package org.dftp.netty.proxy;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The one HTTP client configuration for fetching files from peers: a pool of kept-alive connections per
 * peer address, run on the node's own event loops (colocated, so a proxied response usually reads and
 * writes on one thread). No read timeout here: a proxied body is read only as fast as the client
 * drains it, so a pause in reading is normal; {@link RemoteFileProxy} bounds the wait for headers.
 */
public final class ProxyClient {
    /** Largest body piece handed over at once; read buffers are at most 64 KiB, so in effect one per read. */
    static final int MAX_CHUNK = 256 * 1024;

    private ProxyClient() {
    }

    public static HttpClient create(EventLoopGroup loops) {
        return create(loops, null);
    }

    /** @param tls TLS to the owners' public ports ({@code -peer-tls}), or null */
    public static HttpClient create(EventLoopGroup loops, org.dftp.netty.tls.PeerTls tls) {
        ConnectionProvider pool = ConnectionProvider.builder("dftp-peer-files")
                .maxConnections(1024)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(60))
                .build();
        HttpClient http = HttpClient.create(pool)
                .runOn(LoopResources.colocate(loops))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .keepAlive(true)
                .compress(false)
                // Netty splits bodies into 8 KiB contents by default: one per read buffer instead, so that a
                // 64 KiB read from the owner is one write to the client, not eight.
                .httpResponseDecoder(spec -> spec.maxChunkSize(MAX_CHUNK));
        return tls == null ? http : tls.secure(http);
    }
}
