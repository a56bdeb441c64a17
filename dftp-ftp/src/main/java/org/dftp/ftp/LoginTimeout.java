package org.dftp.ftp;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a control connection that has not logged in within the login timeout ({@code -ftp-login-timeout}),
 * with {@code 421}. The idle timeout alone does not do it: a client that never logs in but sends a
 * {@code NOOP} now and then, or that holds its sessions just under the idle timeout, would keep its places
 * in the connection limit for as long as it likes.
 *
 * <p>{@link #watch} is called from the listener's session filter on MINA's I/O thread as the connection
 * is accepted; the check runs later on this class's own timer thread, and the session's close is MINA's
 * (thread-safe) to carry out.
 */
final class LoginTimeout implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoginTimeout.class);
    private static final String TIMER = FtpIoSession.ATTRIBUTE_PREFIX + "dftp.login-timer";

    private final long timeoutMillis;
    private final LongAdder timedOut = new LongAdder();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dftp-ftp-login-timeout");
        t.setDaemon(true);
        return t;
    });

    LoginTimeout(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /** Starts the clock of a new connection. */
    void watch(IoSession session) {
        ScheduledFuture<?> f = timer.schedule(() -> check(session), timeoutMillis, TimeUnit.MILLISECONDS);
        session.setAttribute(TIMER, f);
        session.getCloseFuture().addListener(closed -> f.cancel(false));
    }

    private void check(IoSession session) {
        if (!session.isConnected() || session.isClosing()) {
            return;
        }
        // FtpIoSession only reads the session's attributes: whether a user is set is the login.
        if (new FtpIoSession(session, null).isLoggedIn()) {
            return;
        }
        timedOut.increment();
        log.debug("FTP: {} did not log in within {} ms, closed", session.getRemoteAddress(), timeoutMillis);
        session.write(new DefaultFtpReply(FtpReply.REPLY_421_SERVICE_NOT_AVAILABLE_CLOSING_CONTROL_CONNECTION,
                "Login timeout: not logged in within " + Math.max(1, timeoutMillis / 1000) + " s, closing."));
        session.closeOnFlush();
    }

    /** Sessions closed so far for not logging in in time. */
    long timedOut() {
        return timedOut.sum();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
