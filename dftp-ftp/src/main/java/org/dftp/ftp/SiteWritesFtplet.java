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
 * Refuses the writes dftp does not do with {@code 550} and a message that says why, before MINA looks at
 * them: {@code SITE} subcommands that other servers implement as writes ({@code SITE CHMOD},
 * {@code SITE UTIME}...) and the other {@code MFxx} commands. Permissions and owners are the owner's disk's,
 * and the one time a client sets is the modification time, with {@code MFMT}. On a read-only server the
 * reason is that it is read-only, as for every other write.
 */
final class SiteWritesFtplet extends DefaultFtplet {
    /** Commands of draft-somers-ftp-mfxx other than {@code MFMT}. */
    private static final Set<String> OTHER_MFXX = Set.of("MFCT", "MFF");
    /** {@code SITE} subcommands that other servers implement as writes. */
    private static final Set<String> SITE_WRITES = Set.of(
            "CHMOD", "CHOWN", "CHGRP", "UTIME", "SYMLINK", "MKDIR", "RMDIR", "COPY", "CPFR", "CPTO");

    private final boolean writable;

    /** @param writable whether the server takes writes at all */
    SiteWritesFtplet(boolean writable) {
        this.writable = writable;
    }

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException {
        String command = request.getCommand().toUpperCase(Locale.ROOT);
        String sub = command.equals("SITE") ? subcommand(request.getArgument()) : null;
        if (!OTHER_MFXX.contains(command) && (sub == null || !SITE_WRITES.contains(sub))) {
            return FtpletResult.DEFAULT;
        }
        String what = sub == null ? command : "SITE " + sub;
        String why = !writable ? "this dftp server is read-only" : switch (sub == null ? command : sub) {
            case "UTIME", "MFCT", "MFF" -> "dftp sets modification times only, with MFMT";
            case "CHMOD", "CHOWN", "CHGRP" -> "permissions and owners are those of the disk of the node that keeps the file";
            case "MKDIR", "RMDIR" -> "use MKD and RMD";
            default -> "dftp does not copy or link files over FTP";
        };
        session.write(new DefaultFtpReply(FtpReply.REPLY_550_REQUESTED_ACTION_NOT_TAKEN, what + " refused: " + why + "."));
        return FtpletResult.SKIP;
    }

    private static String subcommand(String argument) {
        if (argument == null) {
            return null;
        }
        String sub = argument.trim();
        int space = sub.indexOf(' ');
        return (space < 0 ? sub : sub.substring(0, space)).toUpperCase(Locale.ROOT);
    }
}
