package org.dftp.netty.limits;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The header timeout of an HTTP/1 connection (nginx's {@code client_header_timeout}): a request whose
 * headers are not complete {@code timeout} after its first byte arrived is answered {@code 408 Request
 * Timeout} and the connection closed. The clock starts with the first byte of the connection, or the first
 * byte after the previous exchange (request read and response written) ended; a connection that sends
 * nothing at all is the idle timeout's to close.
 *
 * <p>It takes two places in the pipeline: this handler right after the HTTP codec (where it sees each
 * {@link HttpRequest} come in and each response's {@link LastHttpContent} go out), and its
 * {@link #firstByte()} right before the codec, which tells it that bytes arrived.
 *
 * <p>Every method, the timer included, runs on the channel's event loop, so the state needs no locks.
 */
public final class HeaderTimeout extends ChannelDuplexHandler {
    static final byte[] BODY = "Request headers not received in time\n".getBytes(StandardCharsets.UTF_8);

    private final long timeoutNanos;
    private final LongAdder timeouts;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    /** Between a request's headers and its last content. */
    private boolean requestOpen;
    /** Requests whose response has not been written to its end yet. */
    private int responsesPending;
    /** A 1xx response went out without its end; the next {@link LastHttpContent} is its own. */
    private boolean informational;
    private boolean expired;

    /**
     * @param timeout how long a request's headers may take
     * @param timeouts counted once for every {@code 408} sent, or null
     */
    public HeaderTimeout(Duration timeout, LongAdder timeouts) {
        this.timeoutNanos = timeout.toNanos();
        this.timeouts = timeouts;
    }

    /** The piece that goes right before the HTTP codec (or after TLS, before the codec). */
    public ChannelInboundHandler firstByte() {
        return new FirstByte();
    }

    /** Sees the bytes before the codec decodes them; the event loop calls it. */
    private final class FirstByte extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            bytesArrived();
            c.fireChannelRead(msg);
        }
    }

    private boolean busy() {
        return requestOpen || responsesPending > 0;
    }

    void bytesArrived() {
        if (ctx != null && timer == null && !busy() && !expired) {
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
        if (busy() || expired || !ctx.channel().isActive()) {
            return;
        }
        expired = true;
        if (timeouts != null) {
            timeouts.increment();
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                Unpooled.wrappedBuffer(BODY));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // Straight to the codec: the handlers after this one never saw a request.
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
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
        if (expired) {
            io.netty.util.ReferenceCountUtil.release(msg); // the 408 is on its way; nothing more is served
            return;
        }
        if (msg instanceof HttpRequest) {
            cancel();
            requestOpen = true;
            responsesPending++;
        }
        if (msg instanceof LastHttpContent) {
            requestOpen = false;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            informational = !(msg instanceof LastHttpContent);
        } else if (msg instanceof LastHttpContent) {
            if (informational) {
                informational = false;
            } else if (responsesPending > 0) {
                responsesPending--;
            }
        }
        super.write(ctx, msg, promise);
    }
}
