package org.dftp.ftp;

import org.apache.ftpserver.ftplet.FtpSession;
import org.dftp.core.DfsPath;

/**
 * What the current transfer of a session has moved over its data connection, and which file it is (the
 * one {@code STOU} picked): kept as a session attribute for the access log ({@link AccessLogFtplet}).
 * {@link ChannelDataConnection} counts as bytes go out or come in, so a cut transfer still counts what it
 * moved. A session's commands run one at a time on a MINA thread, which is the only one that calls this.
 */
final class TransferProgress {
    private static final String ATTRIBUTE = "dftp.transfer-progress";

    private long bytes;
    private DfsPath path;

    /** A fresh count for the command about to run. */
    static void start(FtpSession session) {
        session.setAttribute(ATTRIBUTE, new TransferProgress());
    }

    /** {@code n} more bytes moved on the data connection. */
    static void counted(FtpSession session, long n) {
        if (session.getAttribute(ATTRIBUTE) instanceof TransferProgress p) {
            p.bytes += n;
        }
    }

    /** The file the command transfers, when the command decides it (STOU). */
    static void path(FtpSession session, DfsPath path) {
        if (session.getAttribute(ATTRIBUTE) instanceof TransferProgress p) {
            p.path = path;
        }
    }

    /** The current transfer's progress, removed from the session; an empty one when none was started. */
    static TransferProgress take(FtpSession session) {
        Object p = session.getAttribute(ATTRIBUTE);
        session.removeAttribute(ATTRIBUTE);
        return p instanceof TransferProgress t ? t : new TransferProgress();
    }

    long bytes() {
        return bytes;
    }

    /** The file named by the command itself, or null. */
    DfsPath path() {
        return path;
    }
}
