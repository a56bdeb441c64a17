package org.dftp.netty.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import org.dftp.netty.NodeMetrics;

/** Counts every response by status on its way out, so no code path can forget to. */
@Sharable
final class ResponseCounter extends ChannelOutboundHandlerAdapter {
    private final NodeMetrics metrics;

    ResponseCounter(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse res) {
            metrics.countResponse(res.status().code());
        }
        ctx.write(msg, promise);
    }
}
