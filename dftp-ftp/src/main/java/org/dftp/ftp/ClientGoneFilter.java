package org.dftp.ftp;

import java.io.IOException;
import org.apache.mina.core.filterchain.IoFilterAdapter;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a session whose control connection the client reset or broke, in one {@code DEBUG} line.
 *
 * <p>MINA reports such a connection as an exception, which its logging filter writes at {@code WARN} and
 * its FTP handler at {@code ERROR}, each with a 14-line stack trace: twice per client that goes away
 * mid-transfer, which is routine (a cancelled download, a closed laptop). The transfer itself is told at
 * {@code INFO} by {@link ChannelDataConnection}. Installed right after the decoder, ahead of both (see
 * {@link LineTooLongFilter#installer()}); runs on the session's MINA I/O thread.
 */
final class ClientGoneFilter extends IoFilterAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientGoneFilter.class);
    static final String NAME = "dftpClientGone";
    static final ClientGoneFilter INSTANCE = new ClientGoneFilter();

    private ClientGoneFilter() {
    }

    @Override
    public void exceptionCaught(NextFilter next, IoSession session, Throwable cause) {
        // An IOException out of MINA's processor is the socket failing: nothing a handler can answer.
        if (cause instanceof IOException) {
            log.debug("FTP control connection from {} ended: {}", session.getRemoteAddress(), cause.toString());
            session.closeNow();
            return;
        }
        next.exceptionCaught(session, cause);
    }
}
