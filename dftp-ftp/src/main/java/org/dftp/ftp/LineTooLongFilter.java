package org.dftp.ftp;

import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ipfilter.SessionFilter;
import org.apache.mina.core.filterchain.IoFilterAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.RecoverableProtocolDecoderException;

/**
 * Answers a command line longer than MINA's limit (1024 bytes) with {@code 501} and keeps the session.
 *
 * <p>MINA's line decoder drops such a line and reports it as an exception, upon which MINA's handler
 * logs an error with a stack trace and closes the connection, after MINA's logging filter has logged the
 * whole line as a hex dump: any client could flood the log that way, and an over-long path deserves an
 * answer like any other bad path. The decoder recovers by itself; this filter, right after the decoder in
 * each session's chain, turns the report into a reply before anything logs it. MINA offers no hook into
 * the chain but the session filter, hence {@link #installer()}.
 */
final class LineTooLongFilter extends IoFilterAdapter {
    private static final String NAME = "dftpLineTooLong";
    /** The name DfsFtpListener (as MINA's NioListener) gives its protocol decoder. */
    private static final String CODEC = "codec";
    private static final LineTooLongFilter INSTANCE = new LineTooLongFilter();

    /**
     * A session filter that accepts every connection and adds this filter and {@link ClientGoneFilter} to
     * it, after the decoder and so ahead of MINA's logging filter and handler.
     */
    static SessionFilter installer() {
        return session -> {
            var chain = session.getFilterChain();
            if (chain.contains(CODEC)) {
                chain.addAfter(CODEC, NAME, INSTANCE);
                chain.addAfter(NAME, ClientGoneFilter.NAME, ClientGoneFilter.INSTANCE);
            } else {
                // Still ahead of MINA's handler.
                chain.addLast(NAME, INSTANCE);
                chain.addLast(ClientGoneFilter.NAME, ClientGoneFilter.INSTANCE);
            }
            return true;
        };
    }

    @Override
    public void exceptionCaught(NextFilter next, IoSession session, Throwable cause) {
        // The text line decoder throws the recoverable kind only for a line that is too long.
        if (cause instanceof RecoverableProtocolDecoderException) {
            session.write(new DefaultFtpReply(FtpReply.REPLY_501_SYNTAX_ERROR_IN_PARAMETERS_OR_ARGUMENTS,
                    "Command line too long."));
            return;
        }
        next.exceptionCaught(session, cause);
    }
}
