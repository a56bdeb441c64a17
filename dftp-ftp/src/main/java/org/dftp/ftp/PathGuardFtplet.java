package org.dftp.ftp;

import java.util.Locale;
import java.util.Set;
import org.apache.ftpserver.command.impl.listing.ListArgumentParser;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.dftp.core.BadPathException;

/**
 * Checks the path argument of every reading command before MINA runs it, and answers a refused one
 * ({@code ..} above the root, a backslash, a control character, too long...) with {@code 550} and the
 * reason ({@code 501} for {@code MLST}, whose errors MINA reports that way). Without it, each MINA
 * command would report the refusal its own way, some as a missing file, {@code LIST} as {@code 450}.
 */
final class PathGuardFtplet extends DefaultFtplet {
    /** Commands whose argument is one path. */
    private static final Set<String> PATH_COMMANDS = Set.of("CWD", "XCWD", "RETR", "SIZE", "MDTM", "MD5");
    /** Commands whose argument is {@code [-options] [path]}, as {@code ls} takes it. */
    private static final Set<String> LISTING_COMMANDS = Set.of("LIST", "NLST", "MLSD", "MLST", "STAT");

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException {
        String command = request.getCommand().toUpperCase(Locale.ROOT);
        boolean listing = LISTING_COMMANDS.contains(command);
        if (!request.hasArgument() || !(listing || PATH_COMMANDS.contains(command))
                || !(session.getFileSystemView() instanceof DfsFileSystemView view)) {
            return FtpletResult.DEFAULT;
        }
        int code = command.equals("MLST") ? FtpReply.REPLY_501_SYNTAX_ERROR_IN_PARAMETERS_OR_ARGUMENTS
                : FtpReply.REPLY_550_REQUESTED_ACTION_NOT_TAKEN;
        try {
            view.resolve(listing ? ListArgumentParser.parse(request.getArgument()).getFile() : request.getArgument());
            return FtpletResult.DEFAULT;
        } catch (BadPathException e) {
            session.write(new DefaultFtpReply(code, "Path refused: " + e.getMessage() + "."));
        } catch (IllegalArgumentException e) {
            // ListArgumentParser refuses a wildcard in the directory part.
            session.write(new DefaultFtpReply(FtpReply.REPLY_501_SYNTAX_ERROR_IN_PARAMETERS_OR_ARGUMENTS,
                    "Listing argument refused: " + e.getMessage() + "."));
        }
        return FtpletResult.SKIP;
    }
}
