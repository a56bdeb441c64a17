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
    private ProxyClient() {
    }

    public static HttpClient create(EventLoopGroup loops) {
        ConnectionProvider pool = ConnectionProvider.builder("dftp-peer-files")
                .maxConnections(1024)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(60))
                .build();
        return HttpClient.create(pool)
                .runOn(LoopResources.colocate(loops))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .keepAlive(true)
                .compress(false);
    }
}
