package org.dftp.netty.limits;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.dftp.core.AcceptFailureLog;

/**
 * The last handler of a listening channel: a failed accept, above all the process running out of
 * descriptors ({@code EMFILE}), in one log line a minute that says how many more there were
 * ({@link AcceptFailureLog}, shared with the FTP port), instead of the pipeline tail's warning with a stack trace
 * every second for as long as it lasts.
 *
 * <p>It does not pause accepting itself: the acceptor before it (Netty's, or Reactor Netty's on the
 * management port) has already stopped accepting for a second, so that the loop does not spin on a socket
 * it cannot take, and resumes by itself; connections meanwhile wait in the kernel's backlog. Called on the
 * listening channel's event loop only.
 */
public final class AcceptFailures extends ChannelInboundHandlerAdapter {
    private final String what;
    private AcceptFailureLog failures;

    private AcceptFailures(String what) {
        this.what = what;
    }

    /** Adds it to a bound listening channel, after its acceptor; {@code what} names the port in the log line. */
    public static void install(Channel listening, String what) {
        listening.pipeline().addLast(new AcceptFailures(what));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failures == null) {
            failures = new AcceptFailureLog(what + " " + (ctx.channel().localAddress() instanceof java.net.InetSocketAddress a
                    ? "port " + a.getPort() : String.valueOf(ctx.channel().localAddress())));
        }
        failures.failed(cause, "in a second");
    }
}
