package org.dftp.ftp;

import java.io.IOException;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.FtpReply;
import org.dftp.core.write.WriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one translation of a failed write into an FTP reply, for every write command:
 * <table>
 *   <caption>replies</caption>
 *   <tr><td>read-only server, no write right, a path no node keeps ({@code FORBIDDEN}); nothing there
 *       ({@code NOT_FOUND}); a missing parent or a directory not empty ({@code CONFLICT}); a file where a
 *       directory is meant or the other way round ({@code WRONG_TYPE}); something already there
 *       ({@code EXISTS})</td><td>{@code 550}</td></tr>
 *   <tr><td>a name the DFS cannot carry or reserves ({@code BAD_NAME})</td><td>{@code 553}</td></tr>
 *   <tr><td>over the upload limit ({@code TOO_LARGE}), a full disk ({@code NO_SPACE})</td><td>{@code 552}</td></tr>
 *   <tr><td>the owner unreachable ({@link OwnerUnavailableException}), or any other failure</td><td>{@code 451}</td></tr>
 * </table>
 * The text says which command and why, in one line: the message names DFS paths, never local ones.
 */
final class WriteReplies {
    private static final Logger log = LoggerFactory.getLogger(WriteReplies.class);

    private WriteReplies() {
    }

    /** The FTP reply code of a failed write. */
    static int code(IOException e) {
        if (e instanceof WriteException w) {
            switch (w.kind()) {
                case BAD_NAME:
                    return FtpReply.REPLY_553_REQUESTED_ACTION_NOT_TAKEN_FILE_NAME_NOT_ALLOWED;
                case TOO_LARGE:
                case NO_SPACE:
                    return FtpReply.REPLY_552_REQUESTED_FILE_ACTION_ABORTED_EXCEEDED_STORAGE;
                case IO:
                    return FtpReply.REPLY_451_REQUESTED_ACTION_ABORTED;
                default:
                    // FORBIDDEN, NOT_FOUND, CONFLICT, WRONG_TYPE, EXISTS, and any refusal a later kind names
                    return FtpReply.REPLY_550_REQUESTED_ACTION_NOT_TAKEN;
            }
        }
        return FtpReply.REPLY_451_REQUESTED_ACTION_ABORTED;
    }

    /** The reply to {@code command} failing with {@code e}; failures that are not the client's are logged. */
    static FtpReply of(String command, IOException e) {
        int code = code(e);
        String why = printable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        if (code == FtpReply.REPLY_451_REQUESTED_ACTION_ABORTED) {
            log.warn("FTP {} failed: {}", command, why, e instanceof WriteException ? e.getCause() : null);
            return new DefaultFtpReply(code, command + " failed: " + why + "; try again later.");
        }
        return new DefaultFtpReply(code, command + " refused: " + why + ".");
    }

    /** A message goes into a reply line: nothing in it may end the line early. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
