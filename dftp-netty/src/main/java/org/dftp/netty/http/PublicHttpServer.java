package org.dftp.netty.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import org.dftp.netty.HostPort;
import org.dftp.netty.Transports;

/** The public HTTP listener: binds {@code -http-listen} and serves it with {@link PublicHttpInitializer}. */
public final class PublicHttpServer implements AutoCloseable {
    private final Channel channel;

    private PublicHttpServer(Channel channel) {
        this.channel = channel;
    }

    /** Binds and starts serving on the given event loops; blocks until bound (call it off the loops). */
    public static PublicHttpServer start(HostPort listen, EventLoopGroup boss, EventLoopGroup workers,
                                         DfsHttpContext context) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new PublicHttpInitializer(context));
        Channel ch = b.bind(listen.bindAddress()).sync().channel();
        return new PublicHttpServer(ch);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
