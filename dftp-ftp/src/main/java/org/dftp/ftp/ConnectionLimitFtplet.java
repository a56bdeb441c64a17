package org.dftp.ftp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;

/**
 * Answers {@code 421} and hangs up on a connection beyond the limit, or beyond the limit of its client
 * address ({@code -ftp-max-connections-per-address}), so that one address cannot take every place. MINA
 * itself only limits logins, so connections that never log in would otherwise pile up unbounded; this
 * counts them at connect. Must be the first Ftplet, so that every connection it counts reaches it (MINA
 * calls {@code onDisconnect} of every Ftplet for every connection). MINA's session threads call it, many
 * at once.
 */
final class ConnectionLimitFtplet extends DefaultFtplet {
    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger connected = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final LongAdder refusedPerAddress = new LongAdder();
    private final LongAdder refusedMax = new LongAdder();

    ConnectionLimitFtplet(int max) {
        this(max, max);
    }

    ConnectionLimitFtplet(int max, int maxPerAddress) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    @Override
    public FtpletResult onConnect(FtpSession session) throws FtpException {
        int total = connected.incrementAndGet();
        InetAddress a = address(session);
        int fromThere = a == null ? 0 : perAddress.computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet();
        if (fromThere > maxPerAddress) {
            refusedPerAddress.increment();
            session.write(new DefaultFtpReply(FtpReply.REPLY_421_SERVICE_NOT_AVAILABLE_CLOSING_CONTROL_CONNECTION,
                    "Too many connections from your address (at most " + maxPerAddress + "), try again later."));
            return FtpletResult.DISCONNECT;
        }
        if (total > max) {
            refusedMax.increment();
            session.write(new DefaultFtpReply(FtpReply.REPLY_421_SERVICE_NOT_AVAILABLE_CLOSING_CONTROL_CONNECTION,
                    "Too many connections (at most " + max + "), try again later."));
            return FtpletResult.DISCONNECT;
        }
        return FtpletResult.DEFAULT;
    }

    /** Connections answered {@code 421} for their address's limit. */
    long refusedPerAddress() {
        return refusedPerAddress.sum();
    }

    /** Connections answered {@code 421} for the port's limit. */
    long refusedMax() {
        return refusedMax.sum();
    }

    @Override
    public FtpletResult onDisconnect(FtpSession session) {
        connected.decrementAndGet();
        InetAddress a = address(session);
        if (a != null) {
            perAddress.computeIfPresent(a, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
        return FtpletResult.DEFAULT;
    }

    private static InetAddress address(FtpSession session) {
        InetSocketAddress client = session.getClientAddress();
        return client == null ? null : client.getAddress();
    }

    /** Connections open now, refused ones until they are closed included. */
    int connected() {
        return connected.get();
    }
}
