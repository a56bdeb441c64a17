package org.dftp.ftp;

import java.util.Locale;
import java.util.Set;
import org.apache.ftpserver.ftplet.DataConnectionFactory;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.apache.ftpserver.impl.ServerDataConnectionFactory;

/**
 * {@code -ftp-require-tls}, as vsftpd's {@code force_local_logins_ssl} and {@code force_local_data_ssl} (for
 * every user, anonymous ones too): {@code USER} and {@code PASS} before {@code AUTH TLS} are answered
 * {@code 530}, so that no password crosses the network in clear, and a transfer without {@code PROT P}
 * {@code 521} (RFC 4217, 9), before anything is opened for it. A refusal keeps the session, as every dftp
 * refusal does (MINA's own {@code USER} would close it).
 */
final class TlsRequiredFtplet extends DefaultFtplet {
    private static final Set<String> LOGINS = Set.of("USER", "PASS");
    /** The commands that open a data connection. */
    private static final Set<String> TRANSFERS = Set.of("RETR", "LIST", "NLST", "MLSD", "STOR", "STOU", "APPE");

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException {
        String command = request.getCommand().toUpperCase(Locale.ROOT);
        if (LOGINS.contains(command) && !session.isSecure()) {
            session.write(new DefaultFtpReply(FtpReply.REPLY_530_NOT_LOGGED_IN,
                    "This server requires TLS: send AUTH TLS before logging in."));
            return FtpletResult.SKIP;
        }
        if (TRANSFERS.contains(command) && !privateData(session.getDataConnection())) {
            session.getDataConnection().closeDataConnection(); // the PASV listener waits for nothing now
            session.write(new DefaultFtpReply(521,
                    "Data connections must be private on this server: send PBSZ 0 and PROT P first."));
            return FtpletResult.SKIP;
        }
        return FtpletResult.DEFAULT;
    }

    private static boolean privateData(DataConnectionFactory data) {
        return data instanceof ServerDataConnectionFactory f && f.isSecure();
    }
}
