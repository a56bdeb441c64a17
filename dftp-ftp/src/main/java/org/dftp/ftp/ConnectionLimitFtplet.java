package org.dftp.ftp;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;

/**
 * Answers {@code 421} and hangs up on a connection beyond the limit. MINA itself only limits logins,
 * so connections that never log in would otherwise pile up unbounded; this counts them at connect.
 * Must be the first Ftplet, so that every connection it counts reaches it (MINA calls
 * {@code onDisconnect} of every Ftplet for every connection).
 */
final class ConnectionLimitFtplet extends DefaultFtplet {
    private final int max;
    private final AtomicInteger connected = new AtomicInteger();

    ConnectionLimitFtplet(int max) {
        this.max = max;
    }

    @Override
    public FtpletResult onConnect(FtpSession session) throws FtpException {
        if (connected.incrementAndGet() > max) {
            session.write(new DefaultFtpReply(FtpReply.REPLY_421_SERVICE_NOT_AVAILABLE_CLOSING_CONTROL_CONNECTION,
                    "Too many connections (at most " + max + "), try again later."));
            return FtpletResult.DISCONNECT;
        }
        return FtpletResult.DEFAULT;
    }

    @Override
    public FtpletResult onDisconnect(FtpSession session) {
        connected.decrementAndGet();
        return FtpletResult.DEFAULT;
    }

    /** Connections open now, refused ones until they are closed included. */
    int connected() {
        return connected.get();
    }
}
