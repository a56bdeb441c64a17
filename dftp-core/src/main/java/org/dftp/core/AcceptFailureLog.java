package org.dftp.core;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed accepts of one listening port, above all the process running out of descriptors ({@code EMFILE}),
 * in one log line a minute that says how many more there were, instead of a warning with a stack trace for
 * each: an acceptor out of descriptors fails again every time it tries, for as long as the outage lasts.
 * Used by the HTTP ports (Netty's acceptor) and the FTP port (MINA's). Its acceptor's thread calls it; it is
 * synchronized all the same, as the FTP acceptor's monitor is one for the whole process.
 */
public final class AcceptFailureLog {
    private static final Logger log = LoggerFactory.getLogger(AcceptFailureLog.class);
    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String what;
    private boolean logged;
    private long lastLogged;
    private long unlogged;

    /** @param what the port in the log line, e.g. {@code HTTP port 7040} */
    public AcceptFailureLog(String what) {
        this.what = what;
    }

    /**
     * One accept failed with {@code cause}; {@code retry} says when the acceptor tries again
     * (e.g. {@code "in a second"}).
     */
    public synchronized void failed(Throwable cause, String retry) {
        long now = System.nanoTime();
        if (logged && now - lastLogged < QUIET_NANOS) {
            unlogged++;
            return;
        }
        String m = String.valueOf(cause.getMessage());
        log.warn("{}: cannot accept a connection: {}{}; accepting again {}{}", what, m,
                unlogged > 0 ? " (and " + unlogged + " more failures since the last line)" : "", retry,
                m.contains("Too many open files") ? "; the process is out of descriptors: raise its limit"
                        + " (ulimit -n, systemd's LimitNOFILE)" : "");
        logged = true;
        lastLogged = now;
        unlogged = 0;
    }
}
