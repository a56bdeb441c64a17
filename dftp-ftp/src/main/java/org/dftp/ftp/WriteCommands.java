package org.dftp.ftp;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ftpserver.command.AbstractCommand;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpFile;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.ftpserver.impl.FtpServerContext;
import org.dftp.core.DfsPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dftp's {@code MKD}, {@code RMD}, {@code DELE}, {@code RNFR}, {@code RNTO} and {@code MFMT}, in place of
 * MINA's, whose file system calls answer only yes or no: each here carries its reason to the client through
 * {@link WriteReplies}, and every check is {@link DfsWrites}'.
 */
final class WriteCommands {
    private static final Logger log = LoggerFactory.getLogger(WriteCommands.class);

    private WriteCommands() {
    }

    /** What every write command does around its one write: the argument, the view, the reply of a failure. */
    abstract static class WriteCommand extends AbstractCommand {
        @Override
        public final void execute(FtpIoSession session, FtpServerContext context, FtpRequest request)
                throws IOException, FtpException {
            String command = request.getCommand().toUpperCase(java.util.Locale.ROOT);
            DfsFileSystemView view = (DfsFileSystemView) session.getFileSystemView();
            String argument = request.getArgument();
            if (argument == null || argument.isBlank()) {
                session.resetState();
                session.write(new DefaultFtpReply(FtpReply.REPLY_501_SYNTAX_ERROR_IN_PARAMETERS_OR_ARGUMENTS,
                        command + " needs " + needs() + "."));
                return;
            }
            try {
                session.write(run(session, view, view.writes(), argument));
            } catch (IOException e) {
                session.write(WriteReplies.of(command, e));
            }
        }

        /** What the argument must be, for the {@code 501}. */
        String needs() {
            return "a path";
        }

        /** Carries out the command; the reply of its success. */
        abstract FtpReply run(FtpIoSession session, DfsFileSystemView view, DfsWrites writes, String argument)
                throws IOException;
    }

    /** A path for a reply line, shown as the user form with nothing that could end the line. */
    static String shown(DfsPath path) {
        return WriteReplies.printable(path.toString());
    }

    /** {@code MKD}/{@code XMKD}: {@code 257 "<path>" created}, quotes in the name doubled (RFC 959). */
    static final class Mkd extends WriteCommand {
        @Override
        FtpReply run(FtpIoSession session, DfsFileSystemView view, DfsWrites writes, String argument)
                throws IOException {
            session.resetState();
            DfsPath path = writes.target(view.cwd(), argument);
            writes.mkdir(view.user(), path);
            log.info("FTP: {} created directory {}", view.user().name(), path);
            return new DefaultFtpReply(FtpReply.REPLY_257_PATHNAME_CREATED,
                    "\"" + shown(path).replace("\"", "\"\"") + "\" created.");
        }
    }

    /** {@code RMD}/{@code XRMD}: an empty directory. */
    static final class Rmd extends WriteCommand {
        @Override
        FtpReply run(FtpIoSession session, DfsFileSystemView view, DfsWrites writes, String argument)
                throws IOException {
            session.resetState();
            DfsPath path = writes.target(view.cwd(), argument);
            writes.removeDirectory(view.user(), path);
            log.info("FTP: {} removed directory {}", view.user().name(), path);
            return new DefaultFtpReply(FtpReply.REPLY_250_REQUESTED_FILE_ACTION_OKAY, shown(path) + " removed.");
        }
    }

    /** {@code DELE}: a file. */
    static final class Dele extends WriteCommand {
        @Override
        FtpReply run(FtpIoSession session, DfsFileSystemView view, DfsWrites writes, String argument)
                throws IOException {
            session.resetState();
            DfsPath path = writes.target(view.cwd(), argument);
            writes.deleteFile(view.user(), path);
            log.info("FTP: {} deleted {}", view.user().name(), path);
            return new DefaultFtpReply(FtpReply.REPLY_250_REQUESTED_FILE_ACTION_OKAY, shown(path) + " deleted.");
        }
    }

    /** {@code RNFR}: remembers the source for the {@code RNTO} that must follow, once it may be renamed. */
    static final class Rnfr extends WriteCommand {
        @Override
        FtpReply run(FtpIoSession session, DfsFileSystemView view, DfsWrites writes, String argument)
                throws IOException {
            session.resetState();
            DfsPath from = writes.target(view.cwd(), argument);
            writes.checkRenameSource(view.user(), from);
            session.setRenameFrom(view.file(from));
            return new DefaultFtpReply(FtpReply.REPLY_350_REQUESTED_FILE_ACTION_PENDING_FURTHER_INFORMATION,
                    "Ready for RNTO: " + shown(from) + ".");
        }
    }

    /** {@code RNTO}: the rename, checked again at both ends. */
    static final class Rnto extends WriteCommand {
        @Override
        FtpReply run(FtpIoSession session, DfsFileSystemView view, DfsWrites writes, String argument)
                throws IOException {
            FtpFile renameFrom = session.getRenameFrom();
            session.resetState(); // an RNTO ends the rename, whatever its outcome
            DfsPath to = writes.target(view.cwd(), argument);
            if (!(renameFrom instanceof DfsFtpFile source)) {
                return new DefaultFtpReply(FtpReply.REPLY_503_BAD_SEQUENCE_OF_COMMANDS, "RNFR must come first.");
            }
            writes.move(view.user(), source.path(), to);
            log.info("FTP: {} renamed {} to {}", view.user().name(), source.path(), to);
            return new DefaultFtpReply(FtpReply.REPLY_250_REQUESTED_FILE_ACTION_OKAY,
                    "Renamed " + shown(source.path()) + " to " + shown(to) + ".");
        }
    }

    /**
     * {@code MFMT YYYYMMDDHHMMSS[.sss] path} (draft-somers-ftp-mfxx), the time in UTC:
     * {@code 213 Modify=YYYYMMDDHHMMSS; path}.
     */
    static final class Mfmt extends WriteCommand {
        private static final Pattern ARGUMENT = Pattern.compile("(\\d{14})(?:\\.(\\d{1,3}))? (.+)");
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");

        @Override
        String needs() {
            return "a time YYYYMMDDHHMMSS (UTC) and a path";
        }

        @Override
        FtpReply run(FtpIoSession session, DfsFileSystemView view, DfsWrites writes, String argument)
                throws IOException {
            session.resetState();
            Matcher m = ARGUMENT.matcher(argument);
            long millis;
            try {
                if (!m.matches()) {
                    throw new DateTimeParseException("no time", argument, 0);
                }
                millis = LocalDateTime.parse(m.group(1), TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
                if (m.group(2) != null) {
                    millis += Integer.parseInt((m.group(2) + "00").substring(0, 3));
                }
            } catch (DateTimeParseException e) {
                return new DefaultFtpReply(FtpReply.REPLY_501_SYNTAX_ERROR_IN_PARAMETERS_OR_ARGUMENTS,
                        "MFMT needs " + needs() + ".");
            }
            DfsPath path = writes.target(view.cwd(), m.group(3));
            writes.setModified(view.user(), path, millis);
            return new DefaultFtpReply(FtpReply.REPLY_213_FILE_STATUS, "Modify=" + m.group(1) + "; " + shown(path));
        }
    }
}
