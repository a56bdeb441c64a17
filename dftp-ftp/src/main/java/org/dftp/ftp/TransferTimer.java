package org.dftp.ftp;

import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.dftp.core.metrics.DurationHistogram;

/**
 * Times every transfer of file content ({@code RETR}, {@code STOR}, {@code APPE}, {@code STOU}) from its
 * command to its final reply, for the FTP port's duration histogram on {@code /metrics}. The last Ftplet,
 * so that a transfer a guard refuses is not timed. MINA's session threads call it, one at a time per session.
 */
final class TransferTimer extends DefaultFtplet {
    private static final String STARTED = "dftp.transfer-started";
    private final DurationHistogram durations;

    TransferTimer(DurationHistogram durations) {
        this.durations = durations;
    }

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request) {
        if (AccessLogFtplet.isTransfer(request)) {
            session.setAttribute(STARTED, System.nanoTime());
        }
        return FtpletResult.DEFAULT;
    }

    @Override
    public FtpletResult afterCommand(FtpSession session, FtpRequest request, FtpReply reply) {
        if (AccessLogFtplet.isTransfer(request) && session.getAttribute(STARTED) instanceof Long started) {
            session.removeAttribute(STARTED);
            durations.observe(System.nanoTime() - started);
        }
        return FtpletResult.DEFAULT;
    }
}
