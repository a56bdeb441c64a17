package org.dftp.netty.limits;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The most connections one client address holds open on a port. One more is answered {@code 503} (on a
 * plain port; a TLS port cannot answer before the handshake, so there it is just closed) and closed at
 * once. One instance serves a whole port: it is the first handler of every connection's pipeline, and the
 * event loops of all of them call {@link #channelActive} and {@link #channelInactive} at once, hence the
 * concurrent map. Every connection is counted, refused ones too, until it is closed.
 */
@ChannelHandler.Sharable
public final class PerAddressLimit extends ChannelInboundHandlerAdapter {
    static final byte[] REFUSAL = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: 38\r\n"
            + "Connection: close\r\n"
            + "Retry-After: 5\r\n"
            + "\r\n"
            + "Too many connections from your address\n").getBytes(StandardCharsets.US_ASCII);

    private static final io.netty.util.AttributeKey<Boolean> REFUSED =
            io.netty.util.AttributeKey.valueOf(PerAddressLimit.class, "refused");

    private final int max;
    private final boolean answer;
    private final LongAdder refused;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    /**
     * @param max most connections of one address
     * @param answer whether to answer {@code 503} in clear before closing (false on a TLS port)
     * @param refused counted once for every connection refused, or null
     */
    public PerAddressLimit(int max, boolean answer, LongAdder refused) {
        if (max < 1) {
            throw new IllegalArgumentException("the per-address limit must be at least 1");
        }
        this.max = max;
        this.answer = answer;
        this.refused = refused;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress a = address(ctx.channel().remoteAddress());
        if (a == null) {
            super.channelActive(ctx);
            return;
        }
        int n = open.computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet();
        if (n > max) {
            if (refused != null) {
                refused.increment();
            }
            if (answer) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            ctx.channel().config().setAutoRead(false);
            ctx.channel().attr(REFUSED).set(Boolean.TRUE);
            return; // the handlers after this one never see the connection start
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress a = address(ctx.channel().remoteAddress());
        if (a != null) {
            open.computeIfPresent(a, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
        if (ctx.channel().attr(REFUSED).get() == null) {
            super.channelInactive(ctx);
        }
    }

    /** Connections of {@code a} open now, refused ones included; for tests. */
    int open(InetAddress a) {
        AtomicInteger n = open.get(a);
        return n == null ? 0 : n.get();
    }

    private static InetAddress address(SocketAddress remote) {
        return remote instanceof InetSocketAddress i ? i.getAddress() : null;
    }
}
