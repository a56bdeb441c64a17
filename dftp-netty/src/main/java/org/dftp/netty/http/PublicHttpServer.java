package org.dftp.netty.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import org.dftp.netty.HostPort;
import org.dftp.netty.Transports;

/** The public HTTP listener: binds {@code -http-listen} and serves it with {@link PublicHttpInitializer}. */
public final class PublicHttpServer implements AutoCloseable {
    /**
     * Most bytes a connection keeps queued in the kernel but not yet sent ({@code TCP_NOTSENT_LOWAT}).
     * Without it, sendfile fills each socket's autotuned buffer (up to 4 MiB here) ahead of the network; with
     * hundreds of large downloads that is hundreds of MiB of page-cache copies that have left the CPU's
     * caches by the time they are sent. The congestion window is not limited, so a long, fast path to a
     * client still fills. Measured with 256 connections of 64 MiB files: about 10% more bytes per second.
     */
    static final long UNSENT_LOW_WATER = 128 * 1024;

    private final Channel channel;

    private PublicHttpServer(Channel channel) {
        this.channel = channel;
    }

    /**
     * Binds and starts serving on the given event loops; blocks until bound (call it off the loops).
     * The server channel matches the loops' transport, so an embedder (or a test) may pass NIO loops
     * on a machine where {@link Transports} picked epoll.
     */
    public static PublicHttpServer start(HostPort listen, EventLoopGroup boss, EventLoopGroup workers,
                                         DfsHttpContext context) throws InterruptedException {
        return start(listen, boss, workers, new PublicHttpInitializer(context));
    }

    /** The same with HTTPS: every connection begins with a handler of {@code tls}. */
    public static PublicHttpServer startTls(HostPort listen, EventLoopGroup boss, EventLoopGroup workers,
                                            DfsHttpContext context, org.dftp.netty.tls.ServerTls tls)
            throws InterruptedException {
        return start(listen, boss, workers, new PublicHttpInitializer(context, tls));
    }

    /** Either, with these timeouts and per-address limit; {@code tls} null for plain HTTP. */
    public static PublicHttpServer start(HostPort listen, EventLoopGroup boss, EventLoopGroup workers,
                                         DfsHttpContext context, org.dftp.netty.tls.ServerTls tls,
                                         org.dftp.netty.NodeConfig.Limits limits) throws InterruptedException {
        return start(listen, boss, workers, new PublicHttpInitializer(context, tls, limits));
    }

    /** The same, with a line in {@code accessLog} for every request. */
    public static PublicHttpServer start(HostPort listen, EventLoopGroup boss, EventLoopGroup workers,
                                         DfsHttpContext context, org.dftp.netty.tls.ServerTls tls,
                                         org.dftp.netty.NodeConfig.Limits limits,
                                         org.dftp.core.access.AccessLog accessLog) throws InterruptedException {
        return start(listen, boss, workers, new PublicHttpInitializer(context, tls, limits, accessLog));
    }

    /** A listener whose connections {@code init} sets up (the HTTPS redirect uses it too). */
    public static PublicHttpServer start(HostPort listen, EventLoopGroup boss, EventLoopGroup workers,
                                         io.netty.channel.ChannelHandler init) throws InterruptedException {
        Class<? extends ServerChannel> type = serverChannel(boss);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // What may wait unsent per connection: a sendfile region counts whole, so it is one file at a time
                // whatever the marks; for generated bodies (listings, /find/, archives, TLS chunks) it bounds the memory
                // of 64 clients pulling a 100,000-file listing at once (1 MiB: 155 MB direct, 256 KiB: 58 MB).
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(init);
        if (type == EpollServerSocketChannel.class) {
            b.childOption(EpollChannelOption.TCP_NOTSENT_LOWAT, UNSENT_LOW_WATER);
        }
        Channel ch = b.bind(listen.bindAddress()).sync().channel();
        org.dftp.netty.limits.AcceptFailures.install(ch, "HTTP");
        return new PublicHttpServer(ch);
    }

    private static Class<? extends ServerChannel> serverChannel(EventLoopGroup loops) {
        if (loops instanceof IoEventLoopGroup io) {
            if (io.isIoType(NioIoHandler.class)) {
                return NioServerSocketChannel.class;
            }
            if (io.isIoType(EpollIoHandler.class)) {
                return EpollServerSocketChannel.class;
            }
        }
        return Transports.serverChannel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
