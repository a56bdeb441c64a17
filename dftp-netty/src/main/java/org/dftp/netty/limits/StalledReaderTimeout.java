package org.dftp.netty.limits;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The send timeout (nginx's {@code send_timeout}): a connection with a response waiting to go out that has
 * not moved a byte towards the client for {@code timeout} is closed.
 *
 * <p>Progress is what the socket took, looked at {@value #CHECKS} times a timeout in the channel's outbound
 * buffer: which message is current, how many bytes are pending, and how far the current message's
 * transfer got ({@link ChannelOutboundBuffer#currentProgress()}: {@code sendfile} reports there how much of a
 * {@code FileRegion} went out). A slow reader that keeps reading therefore stays however long its download
 * takes, and a single huge file write is not taken for a stall. Netty's {@code WriteTimeoutHandler} would
 * cut any write longer than the timeout, and {@code IdleStateHandler} fires its first event after a write
 * whether the output moved or not; hence this check of its own.
 *
 * <p>Every method, the periodic check included, runs on the channel's event loop.
 */
public final class StalledReaderTimeout extends ChannelDuplexHandler {
    static final int CHECKS = 4;

    private final long timeoutNanos;
    private final LongAdder cut;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> check;
    /** When the output last moved, or last had nothing to send. */
    private long lastMoved;
    private int lastMessage;
    private long lastPending;
    private long lastProgress;

    /**
     * @param timeout how long a pending response may stand still
     * @param cut counted once for every connection closed for it, or null
     */
    public StalledReaderTimeout(Duration timeout, LongAdder cut) {
        this.timeoutNanos = timeout.toNanos();
        this.cut = cut;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastMoved = now();
        if (ctx.channel().isRegistered()) {
            schedule();
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
        schedule();
        super.channelRegistered(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    private void schedule() {
        if (check == null && ctx.channel().isOpen()) {
            long every = Math.max(TimeUnit.MILLISECONDS.toNanos(10), timeoutNanos / CHECKS);
            check = ctx.executor().scheduleWithFixedDelay(this::check, every, every, TimeUnit.NANOSECONDS);
        }
    }

    private void stop() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void check() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        long now = now();
        if (!pending(out)) {
            lastMoved = now; // nothing to send: an idle connection is the idle timeout's business
            return;
        }
        int message = System.identityHashCode(out.current());
        long pendingBytes = out.totalPendingWriteBytes();
        long progress = out.currentProgress();
        if (message != lastMessage || pendingBytes != lastPending || progress != lastProgress) {
            lastMessage = message;
            lastPending = pendingBytes;
            lastProgress = progress;
            lastMoved = now;
            return;
        }
        if (now - lastMoved >= timeoutNanos) {
            if (cut != null) {
                cut.increment();
            }
            stop();
            ctx.close();
        }
    }

    /** Something is waiting to be sent: flushed but not written (a file region counts 0 bytes), or queued. */
    static boolean pending(ChannelOutboundBuffer out) {
        return out != null && (out.size() > 0 || out.totalPendingWriteBytes() > 0);
    }
}
