package org.dftp.ftp;

import java.util.Locale;
import java.util.Set;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;

/**
 * Applies the idle timeout to control connections, but never while a transfer runs.
 *
 * <p>MINA measures idleness on the control connection only, which is silent during a transfer; its idle
 * event then waits behind the transfer and closes the session right after it, so every download longer
 * than the timeout would lose its session. The listener's own timeout is therefore off, and this Ftplet
 * sets each session's instead: from connect, off during a transfer, back on after it, and again before
 * every command, so that a transfer that failed without {@code afterCommand} leaves it off only until
 * the client's next command.
 */
final class TransferIdleFtplet extends DefaultFtplet {
    private static final Set<String> TRANSFERS = Set.of("RETR", "LIST", "NLST", "MLSD", "STOR", "STOU", "APPE");

    private final int idleSeconds;

    TransferIdleFtplet(int idleSeconds) {
        this.idleSeconds = idleSeconds;
    }

    @Override
    public FtpletResult onConnect(FtpSession session) {
        session.setMaxIdleTime(idleSeconds);
        return FtpletResult.DEFAULT;
    }

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request) {
        session.setMaxIdleTime(isTransfer(request) ? 0 : idleSeconds);
        return FtpletResult.DEFAULT;
    }

    @Override
    public FtpletResult afterCommand(FtpSession session, FtpRequest request, FtpReply reply) {
        if (isTransfer(request)) {
            session.setMaxIdleTime(idleSeconds);
        }
        return FtpletResult.DEFAULT;
    }

    private static boolean isTransfer(FtpRequest request) {
        return TRANSFERS.contains(request.getCommand().toUpperCase(Locale.ROOT));
    }
}
