package org.dftp.netty.testing;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.dftp.netty.HostPort;
import org.dftp.netty.http.DfsHttpContext;
import org.dftp.netty.http.PublicHttpServer;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@link PublicHttpServer} on 127.0.0.1 port 0 with event loops of its own, on the transport asked for
 * (so NIO can be tested where {@code Transports} picked epoll). Its threads are known, so a test can
 * measure how much CPU the server burns.
 */
public final class TestServer implements AutoCloseable {
    public enum Transport { EPOLL, NIO }

    private final EventLoopGroup group;
    private final PublicHttpServer server;
    private final List<Thread> threads;

    private TestServer(EventLoopGroup group, PublicHttpServer server, List<Thread> threads) {
        this.group = group;
        this.server = server;
        this.threads = threads;
    }

    /** Starts a server; skips the test when the transport is not available here. */
    public static TestServer start(Transport transport, DfsHttpContext context) throws InterruptedException {
        IoHandlerFactory io;
        if (transport == Transport.EPOLL) {
            Assumptions.assumeTrue(Epoll.isAvailable(), () -> "epoll is not available: " + Epoll.unavailabilityCause());
            io = EpollIoHandler.newFactory();
        } else {
            io = NioIoHandler.newFactory();
        }
        List<Thread> threads = new CopyOnWriteArrayList<>();
        ThreadFactory named = r -> {
            Thread t = new Thread(r, "test-http-" + transport.name().toLowerCase() + "-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
            return t;
        };
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, named, io);
        try {
            PublicHttpServer server = PublicHttpServer.start(HostPort.parse("127.0.0.1:0"), group, group, context);
            return new TestServer(group, server, threads);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** CPU time used so far by the server's event loops, in nanoseconds. */
    public long cpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : threads) {
            long n = mx.getThreadCpuTime(t.getId());
            sum += Math.max(0, n);
        }
        return sum;
    }

    @Override
    public void close() {
        server.close();
        // Bounded: a loop that spins never terminates, and must fail the test, not hang the build.
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
