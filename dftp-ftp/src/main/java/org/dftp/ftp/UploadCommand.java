package org.dftp.ftp;

import java.io.IOException;
import java.net.SocketException;
import org.apache.ftpserver.command.AbstractCommand;
import org.apache.ftpserver.ftplet.DataConnection;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.ftpserver.impl.FtpServerContext;
import org.apache.ftpserver.impl.IODataConnectionFactory;
import org.apache.ftpserver.impl.ServerFtpStatistics;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code STOR} (with {@code REST}: resume), {@code APPE} and {@code STOU}, in place of MINA's, which can
 * only answer {@code 550} or {@code 551} and open the file after the {@code 150}.
 *
 * <p>The upload is opened before the {@code 150}, so that every refusal the checks can foresee (read-only,
 * no right, no parent, a directory there, a resume past the end) comes as the command's answer, and nothing
 * is opened for it. The bytes then go to a temporary file ({@link org.dftp.core.write.Upload}) or to the
 * owner, and become the file only when the client has ended the data connection normally: a cut connection
 * ({@code 426}), an upload over the limit ({@code 552}) or a failed owner ({@code 451}) aborts it, leaving
 * nothing behind.
 */
final class UploadCommand extends AbstractCommand {
    private static final Logger log = LoggerFactory.getLogger(UploadCommand.class);

    /** Which of the three. */
    enum Mode {
        /** Replace, or with {@code REST n} keep the first {@code n} bytes. */
        STOR,
        /** Keep all of the current file. */
        APPE,
        /** A new file of a name the server picks. */
        STOU
    }

    /** The name {@code STOU} starts from when the client gives none or names a directory, as MINA's. */
    static final String UNIQUE_BASE = "ftp.dat";

    private final Mode mode;

    UploadCommand(Mode mode) {
        this.mode = mode;
    }

    @Override
    public void execute(FtpIoSession session, FtpServerContext context, FtpRequest request)
            throws IOException, FtpException {
        long offset = session.getFileOffset();
        String command = mode.name();
        UploadStream out = null;
        try {
            session.resetState();
            DfsFileSystemView view = (DfsFileSystemView) session.getFileSystemView();
            DfsWrites writes = view.writes();
            String argument = request.getArgument();
            if (mode != Mode.STOU && argument == null) {
                session.write(new DefaultFtpReply(FtpReply.REPLY_501_SYNTAX_ERROR_IN_PARAMETERS_OR_ARGUMENTS,
                        command + " needs a file name."));
                return;
            }
            User user = view.user();
            DfsPath path;
            try {
                path = writes.target(view.cwd(), argument);
                if (mode == Mode.STOU) {
                    path = writes.unique(view.file(path).isDirectory() ? path.child(UNIQUE_BASE) : path);
                }
            } catch (IOException e) {
                session.write(WriteReplies.of(command, e));
                return;
            }
            TransferProgress.path(session.getFtpletSession(), path);
            if (session.getDataConnection() instanceof IODataConnectionFactory f && f.getInetAddress() == null) {
                session.write(new DefaultFtpReply(FtpReply.REPLY_503_BAD_SEQUENCE_OF_COMMANDS,
                        "PORT or PASV must be issued first"));
                return;
            }
            try {
                out = writes.upload(user, path, mode == Mode.STOR ? offset : 0, mode == Mode.APPE);
            } catch (IOException e) {
                session.write(WriteReplies.of(command, e));
                return;
            }
            session.write(new DefaultFtpReply(FtpReply.REPLY_150_FILE_STATUS_OKAY, mode == Mode.STOU
                    ? "FILE: " + path.name() // RFC 1123, 4.1.2.9
                    : "Opening data connection for " + command + " " + WriteReplies.printable(path.toString())
                            + (offset > 0 && mode == Mode.STOR ? " from byte " + offset : "") + "."))
                    .awaitUninterruptibly(10_000);
            DataConnection data;
            try {
                data = session.getDataConnection().openConnection();
            } catch (Exception e) {
                log.debug("FTP {}: cannot open the data connection", command, e);
                session.write(new DefaultFtpReply(FtpReply.REPLY_425_CANT_OPEN_DATA_CONNECTION,
                        "Cannot open the data connection."));
                return;
            }
            long received;
            try {
                received = data.transferFromClient(session.getFtpletSession(), out);
                out.close();
            } catch (SocketException e) {
                // Only the data connection throws these (ChannelDataConnection): the client went away.
                out.abort(); // before the reply: once the client reads it, nothing is left behind
                session.write(new DefaultFtpReply(FtpReply.REPLY_426_CONNECTION_CLOSED_TRANSFER_ABORTED,
                        "Data connection closed: the upload of " + WriteReplies.printable(path.toString())
                                + " was dropped."));
                return;
            } catch (IOException e) {
                out.abort();
                session.write(WriteReplies.of(command, e));
                return;
            }
            log.info("FTP: {} uploaded {} ({} bytes)", user.name(), path, received);
            // Counted where MINA's RETR counts downloads; the file goes to observers only, and none is set.
            ((ServerFtpStatistics) context.getFtpStatistics()).setUpload(session, null, received);
            session.write(new DefaultFtpReply(FtpReply.REPLY_226_CLOSING_DATA_CONNECTION, "Transfer complete: "
                    + WriteReplies.printable(path.toString()) + ", " + received + " bytes."));
        } finally {
            if (out != null) {
                out.abort(); // nothing after a commit; on every other way out, the upload leaves nothing
            }
            session.resetState();
            session.getDataConnection().closeDataConnection();
        }
    }
}
