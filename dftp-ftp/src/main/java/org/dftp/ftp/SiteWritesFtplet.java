package org.dftp.ftp;

import java.util.Locale;
import java.util.Set;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;

/**
 * Refuses every command that would change the DFS with {@code 550} and a message that says why, before
 * MINA looks at its argument. The file system refuses writes too; this gives the client the reason.
 */
final class ReadOnlyFtplet extends DefaultFtplet {
    private static final Set<String> WRITES = Set.of(
            "STOR", "STOU", "APPE", "DELE", "MKD", "XMKD", "RMD", "XRMD", "RNFR", "RNTO", "MFMT", "MFCT", "MFF");
    /** {@code SITE} subcommands that other servers implement as writes. */
    private static final Set<String> SITE_WRITES = Set.of(
            "CHMOD", "CHOWN", "CHGRP", "UTIME", "SYMLINK", "MKDIR", "RMDIR", "COPY", "CPFR", "CPTO");
    private static final Set<String> UPLOADS = Set.of("STOR", "STOU", "APPE");

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException {
        String command = request.getCommand().toUpperCase(Locale.ROOT);
        if (!WRITES.contains(command) && !(command.equals("SITE") && isSiteWrite(request.getArgument()))) {
            return FtpletResult.DEFAULT;
        }
        if (UPLOADS.contains(command)) {
            session.getDataConnection().closeDataConnection(); // the passive socket the client opened for it
        }
        session.write(new DefaultFtpReply(FtpReply.REPLY_550_REQUESTED_ACTION_NOT_TAKEN,
                command + " refused: this dftp server is read-only."));
        return FtpletResult.SKIP;
    }

    private static boolean isSiteWrite(String argument) {
        if (argument == null) {
            return false;
        }
        String sub = argument.trim();
        int space = sub.indexOf(' ');
        return SITE_WRITES.contains((space < 0 ? sub : sub.substring(0, space)).toUpperCase(Locale.ROOT));
    }
}
