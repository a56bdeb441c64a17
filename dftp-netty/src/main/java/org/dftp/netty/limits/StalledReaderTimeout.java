package org.dftp.netty.limits;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The send timeout (nginx's {@code send_timeout}): a connection with a response waiting to go out that has
 * not moved a byte towards the client for {@code timeout} is closed. Progress is the bytes the socket
 * took: {@link IdleStateHandler} with {@code observeOutput} counts a change of the outbound buffer's
 * pending bytes, or of the transfer progress of its current message (a {@code FileRegion} that
 * {@code sendfile} is working through), as output; so a slow reader that keeps reading stays, however long
 * its download, and a single huge file write is not mistaken for a stall.
 *
 * <p>Only its own writer-idle events are handled here, and never passed on: the handlers after it read an
 * {@link IdleStateEvent} as "no request for a while". The event loop calls every method.
 */
public final class StalledReaderTimeout extends IdleStateHandler {
    private final LongAdder cut;

    /**
     * @param timeout how long a pending response may stand still
     * @param cut counted once for every connection closed for it, or null
     */
    public StalledReaderTimeout(Duration timeout, LongAdder cut) {
        super(true, 0, timeout.toNanos(), 0, TimeUnit.NANOSECONDS);
        this.cut = cut;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        if (evt.state() != IdleState.WRITER_IDLE) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (stalled(ctx.channel().unsafe().outboundBuffer())) {
            if (cut != null) {
                cut.increment();
            }
            ctx.close();
        }
        // Nothing waiting to go out: an idle connection is the idle timeout's business, not this one's.
    }

    /** Something is waiting to be sent: flushed but not written (a file region counts 0 bytes), or queued. */
    static boolean stalled(ChannelOutboundBuffer out) {
        return out != null && (out.size() > 0 || out.totalPendingWriteBytes() > 0);
    }
}
