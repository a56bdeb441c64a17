package org.dftp.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Predicate;
import org.apache.ftpserver.command.AbstractCommand;
import org.apache.ftpserver.command.impl.listing.ListArgument;
import org.apache.ftpserver.command.impl.listing.ListArgumentParser;
import org.apache.ftpserver.command.impl.listing.RegexFileFilter;
import org.apache.ftpserver.ftplet.DataConnection;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.ftpserver.impl.FtpServerContext;
import org.apache.ftpserver.impl.IODataConnectionFactory;
import org.apache.ftpserver.impl.LocalizedFtpReply;

/**
 * {@code LIST} in the {@code ls -l} form of {@link UnixListFormat}, streamed line by line from the tree
 * snapshot. It replaces MINA's, which shows {@code -r--------} whatever the owner's permission bits, uses
 * the JVM's time zone, and builds the whole listing as one string first. Entries come in name order, as
 * {@code ls} lists them; {@code LIST *.txt} filters by the wildcard as MINA's does.
 */
final class UnixListCommand extends AbstractCommand {

    @Override
    public void execute(FtpIoSession session, FtpServerContext context, FtpRequest request)
            throws IOException, FtpException {
        try {
            session.resetState();
            ListArgument argument = ListArgumentParser.parse(request.getArgument());
            DfsFtpFile target = (DfsFtpFile) session.getFileSystemView().getFile(argument.getFile());
            if (!target.doesExist()) {
                session.write(new DefaultFtpReply(FtpReply.REPLY_550_REQUESTED_ACTION_NOT_TAKEN,
                        target.getAbsolutePath() + ": No such file or directory."));
                return;
            }
            if (session.getDataConnection() instanceof IODataConnectionFactory f && f.getInetAddress() == null) {
                session.write(new DefaultFtpReply(FtpReply.REPLY_503_BAD_SEQUENCE_OF_COMMANDS,
                        "PORT or PASV must be issued first"));
                return;
            }
            session.write(LocalizedFtpReply.translate(session, request, context,
                    FtpReply.REPLY_150_FILE_STATUS_OKAY, "LIST", null));
            DataConnection data;
            try {
                data = session.getDataConnection().openConnection();
            } catch (Exception e) {
                session.write(LocalizedFtpReply.translate(session, request, context,
                        FtpReply.REPLY_425_CANT_OPEN_DATA_CONNECTION, "LIST", null));
                return;
            }
            List<DfsFtpFile> entries = target.isDirectory() ? target.listFiles() : List.of(target);
            try (InputStream listing = UnixListFormat.stream(entries, filter(argument), System.currentTimeMillis())) {
                data.transferToClient(session.getFtpletSession(), listing);
            } catch (IOException e) { // the client went away mid-listing
                session.write(LocalizedFtpReply.translate(session, request, context,
                        FtpReply.REPLY_426_CONNECTION_CLOSED_TRANSFER_ABORTED, "LIST", null));
                return;
            }
            session.write(LocalizedFtpReply.translate(session, request, context,
                    FtpReply.REPLY_226_CLOSING_DATA_CONNECTION, "LIST", null));
        } finally {
            session.getDataConnection().closeDataConnection();
        }
    }

    /** The wildcard of {@code LIST *.txt}; everything otherwise (nothing is hidden in the DFS). */
    private static Predicate<DfsFtpFile> filter(ListArgument argument) {
        String pattern = argument.getPattern();
        if (pattern == null || pattern.equals("*")) {
            return f -> true;
        }
        RegexFileFilter wildcard = new RegexFileFilter(pattern);
        return wildcard::accept;
    }
}
