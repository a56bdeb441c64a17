package org.dftp.netty.limits;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a listening channel: a failed accept, above all the process running out of
 * descriptors ({@code EMFILE}), in one log line a minute that says how many more there were, instead of the
 * pipeline tail's warning with a stack trace every second for as long as it lasts.
 *
 * <p>It does not pause accepting itself: the acceptor before it (Netty's, or Reactor Netty's on the
 * management port) has already stopped accepting for a second, so that the loop does not spin on a socket
 * it cannot take, and resumes by itself; connections meanwhile wait in the kernel's backlog. Called on the
 * listening channel's event loop only.
 */
public final class AcceptFailures extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptFailures.class);
    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String what;
    private boolean logged;
    private long lastLogged;
    private long unlogged;

    private AcceptFailures(String what) {
        this.what = what;
    }

    /** Adds it to a bound listening channel, after its acceptor; {@code what} names the port in the log line. */
    public static void install(Channel listening, String what) {
        listening.pipeline().addLast(new AcceptFailures(what));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        long now = System.nanoTime();
        if (logged && now - lastLogged < QUIET_NANOS) {
            unlogged++;
            return;
        }
        String m = String.valueOf(cause.getMessage());
        log.warn("{} {}: cannot accept a connection: {}{}; accepting again in a second{}", what,
                ctx.channel().localAddress() instanceof java.net.InetSocketAddress a
                        ? "port " + a.getPort() : ctx.channel().localAddress(), m,
                unlogged > 0 ? " (and " + unlogged + " more failures since the last line)" : "",
                m.contains("Too many open files") ? "; the process is out of descriptors: raise its limit"
                        + " (ulimit -n, systemd's LimitNOFILE)" : "");
        logged = true;
        lastLogged = now;
        unlogged = 0;
    }
}
