package org.dftp.ftp;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Set;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FileActionFtpReply;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.dftp.core.BadPathException;
import org.dftp.core.access.AccessLine;
import org.dftp.core.access.AccessLog;

/**
 * One {@code -access-log} line per file transfer ({@code RETR}, {@code STOR}, {@code APPE}, {@code STOU}),
 * as nginx logs a request: {@code "RETR /path/file FTP"}, the final reply code as the status ({@code 226},
 * or the refusal's), the login name as the user ({@code anonymous} for anonymous) and the bytes the data
 * connection moved ({@link TransferProgress}). Called on the MINA thread that runs the command.
 */
final class AccessLogFtplet extends DefaultFtplet {
    private static final Set<String> TRANSFERS = Set.of("RETR", "STOR", "APPE", "STOU");

    private final AccessLog log;

    AccessLogFtplet(AccessLog log) {
        this.log = log;
    }

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request) {
        if (isTransfer(request)) {
            TransferProgress.start(session);
        }
        return FtpletResult.DEFAULT;
    }

    @Override
    public FtpletResult afterCommand(FtpSession session, FtpRequest request, FtpReply reply) {
        if (!isTransfer(request)) {
            return FtpletResult.DEFAULT;
        }
        TransferProgress progress = TransferProgress.take(session);
        InetSocketAddress client = session.getClientAddress();
        String address = client == null || client.getAddress() == null ? null : client.getAddress().getHostAddress();
        String user = session.getUser() == null ? null : session.getUser().getName();
        String line = request.getCommand().toUpperCase(Locale.ROOT) + ' ' + path(session, request, reply, progress)
                + " FTP";
        int status = reply == null ? 0 : reply.getCode();
        log.log(new AccessLine(address, user, ZonedDateTime.now(), bytesAsSent(line), status, progress.bytes(),
                null, null));
        return FtpletResult.DEFAULT;
    }

    /** The absolute DFS path of the transfer, or the argument as sent when it names none. */
    private static String path(FtpSession session, FtpRequest request, FtpReply reply, TransferProgress progress) {
        if (progress.path() != null) {
            return progress.path().toString();
        }
        if (reply instanceof FileActionFtpReply f && f.getFile() != null) {
            return f.getFile().getAbsolutePath();
        }
        String argument = request.getArgument();
        try {
            if (session.getFileSystemView() instanceof DfsFileSystemView view) {
                return view.resolve(argument).toString();
            }
        } catch (BadPathException e) {
            // fall through: the argument as sent
        }
        return argument == null ? "-" : argument;
    }

    /** MINA decoded the command as UTF-8; the log escapes bytes, as nginx logs the bytes of a request. */
    private static String bytesAsSent(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code request} moves file content ({@code RETR}, {@code STOR}, {@code APPE}, {@code STOU}). */
    static boolean isTransfer(FtpRequest request) {
        return request.getCommand() != null && TRANSFERS.contains(request.getCommand().toUpperCase(Locale.ROOT));
    }
}
