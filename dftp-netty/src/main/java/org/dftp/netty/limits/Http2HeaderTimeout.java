package org.dftp.netty.limits;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code -http-header-timeout} on an HTTP/2 connection, as {@link HeaderTimeout} on HTTP/1: while no stream
 * is open, a request's headers must be complete within the timeout of the connection's start, or of the first
 * byte after its last stream ended. A client that sends no preface, or a {@code HEADERS} frame without
 * {@code END_HEADERS} and never its {@code CONTINUATION} (Netty buffers such a block and opens no stream),
 * is cut then: a {@code GOAWAY} when its preface came, and the connection closed. A connection with a stream
 * open is the send and idle timeouts' (a download, an upload in progress), never this one's.
 *
 * <p>It goes right before the frame codec (it sees the bytes arrive) and looks behind it through the codec's
 * connection (open streams) and its {@link #completed()} part, placed right after the codec, which sees each
 * complete {@code HEADERS} block. Every method, the timer included, runs on the channel's event loop.
 */
public final class Http2HeaderTimeout extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http2HeaderTimeout.class);

    private final long timeoutNanos;
    private final LongAdder timeouts;
    private final Http2FrameCodec codec;
    private ChannelHandlerContext ctx;
    /** The {@link #completed()} part's: a frame written there goes through the codec. */
    private ChannelHandlerContext afterCodec;
    private ScheduledFuture<?> timer;

    /**
     * @param codec the connection's frame codec, asked whether a stream is open and whether the preface came
     * @param timeouts counted once for every connection cut, or null
     */
    public Http2HeaderTimeout(Duration timeout, LongAdder timeouts, Http2FrameCodec codec) {
        this.timeoutNanos = timeout.toNanos();
        this.timeouts = timeouts;
        this.codec = codec;
    }

    /** The piece that goes right after the frame codec: a complete {@code HEADERS} block stops the clock. */
    public ChannelInboundHandlerAdapter completed() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext c) {
                afterCodec = c;
            }

            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (msg instanceof Http2HeadersFrame) {
                    cancel();
                }
                c.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm(); // added once TLS chose h2: the connection's start
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (timer == null && !streamOpen()) {
            arm();
        }
        super.channelRead(ctx, msg);
    }

    private boolean streamOpen() {
        return codec.connection().numActiveStreams() > 0;
    }

    private void arm() {
        if (timer == null && ctx.channel().isActive()) {
            timer = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire() {
        timer = null;
        if (streamOpen() || !ctx.channel().isActive()) {
            return;
        }
        if (timeouts != null) {
            timeouts.increment();
        }
        boolean preface = codec.decoder().prefaceReceived();
        log.debug("HTTP/2: {} sent no complete request headers in time{}; closing", ctx.channel().remoteAddress(),
                preface ? "" : " (not even its preface)");
        if (!preface || afterCodec == null) {
            ctx.close();
            return;
        }
        // Through the codec, which names the last stream it saw in the GOAWAY.
        afterCodec.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR,
                ByteBufUtil.writeAscii(ctx.alloc(), "request headers not received in time")))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
