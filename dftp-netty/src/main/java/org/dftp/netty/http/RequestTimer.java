package org.dftp.netty.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import org.dftp.core.metrics.DurationHistogram;

/**
 * Times each public HTTP request from its arrival to the write of its last byte (the socket took it) into
 * the HTTP duration histogram. Requests pipelined on one connection are answered in order, so their start
 * times wait in a queue. One per connection (or HTTP/2 stream); its event loop calls it.
 */
final class RequestTimer extends ChannelDuplexHandler {
    private final DurationHistogram durations;
    private final ArrayDeque<Long> started = new ArrayDeque<>(2);

    RequestTimer(DurationHistogram durations) {
        this.durations = durations;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            started.add(System.nanoTime());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && !started.isEmpty()) {
            long start = started.poll();
            promise = promise.unvoid();
            promise.addListener(f -> durations.observe(System.nanoTime() - start));
        }
        ctx.write(msg, promise);
    }
}
