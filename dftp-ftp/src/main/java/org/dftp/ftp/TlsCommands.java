package org.dftp.ftp;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.apache.ftpserver.command.AbstractCommand;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.ftpserver.impl.FtpServerContext;
import org.apache.ftpserver.ssl.ClientAuth;
import org.apache.ftpserver.ssl.SslConfiguration;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.write.WriteRequest;
import org.apache.mina.filter.ssl.SslFilter;
import org.apache.mina.transport.socket.SocketSessionConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explicit TLS (RFC 4217): {@code AUTH}, {@code PBSZ} and {@code PROT}, in place of MINA's, registered only
 * when the server has a certificate ({@link FtpTls#enabled()}); without one MINA's own answer {@code AUTH}
 * with {@code 431} as before.
 *
 * <p>{@link Auth} is MINA's {@code AUTH} step for step (the same filter, put first in the chain, with the
 * {@code 234} let through in clear), and keeps the {@link SSLContext} it used in the session
 * ({@link #CONTEXT}): the session's data connections take their engines from that same context, so a client
 * that resumes the control connection's TLS session on its data connections (FileZilla does) can, and a
 * certificate renewed meanwhile changes nothing within a session. {@link Prot} says yes to {@code PROT P}
 * only after {@code AUTH}, and with {@link FtpTls#required()} no to {@code PROT C}.
 */
final class TlsCommands {
    private static final Logger log = LoggerFactory.getLogger(TlsCommands.class);
    /** The session attribute holding the session's {@link SSLContext}, set by {@link Auth}. */
    static final String CONTEXT = "org.dftp.ftp.tls-context";
    /** MINA's name for the filter, which {@code FtpIoSession.isSecure()} finds by its class. */
    private static final String FILTER = "sslSessionFilter";

    private TlsCommands() {
    }

    /** The context {@link Auth} secured this control connection with, or null before {@code AUTH}. */
    static SSLContext context(IoSession control) {
        return control.getAttribute(CONTEXT) instanceof SSLContext c ? c : null;
    }

    /** {@code AUTH TLS} (also {@code TLS-C}), {@code AUTH SSL} (also {@code TLS-P}: data private from the start). */
    static final class Auth extends AbstractCommand {
        @Override
        public void execute(FtpIoSession session, FtpServerContext context, FtpRequest request)
                throws IOException, FtpException {
            session.resetState();
            String argument = request.getArgument();
            if (argument == null) {
                session.write(new DefaultFtpReply(FtpReply.REPLY_501_SYNTAX_ERROR_IN_PARAMETERS_OR_ARGUMENTS,
                        "AUTH needs a mechanism: AUTH TLS."));
                return;
            }
            SslConfiguration ssl = session.getListener().getSslConfiguration();
            if (ssl == null) {
                session.write(new DefaultFtpReply(431, "TLS is not configured on this server."));
                return;
            }
            if (session.isSecure()) {
                // RFC 4217 lets a server refuse a second AUTH; MINA does too.
                session.write(new DefaultFtpReply(534, "AUTH refused: this connection is already secured."));
                return;
            }
            String type = argument.trim().toUpperCase(Locale.ROOT);
            boolean privateData;
            switch (type) {
                case "TLS", "TLS-C" -> privateData = false;
                case "SSL", "TLS-P" -> privateData = true; // the old drafts' meaning, as MINA keeps it
                default -> {
                    session.write(new DefaultFtpReply(FtpReply.REPLY_504_COMMAND_NOT_IMPLEMENTED_FOR_THAT_PARAMETER,
                            "AUTH " + WriteReplies.printable(type) + " is not offered: AUTH TLS."));
                    return;
                }
            }
            SSLContext tls;
            try {
                tls = ssl.getSSLContext();
            } catch (GeneralSecurityException | RuntimeException e) {
                log.warn("FTP AUTH: no TLS context: {}", e.toString());
                session.write(new DefaultFtpReply(431, "TLS is unavailable on this server now."));
                return;
            }
            DefaultFtpReply reply = new DefaultFtpReply(234, "AUTH " + type + " okay: start the TLS handshake.");
            session.setAttribute(CONTEXT, tls);
            if (session.getConfig() instanceof SocketSessionConfig socket) {
                // A TLS reply can follow other bytes that wait for the client's delayed ACK (a session ticket),
                // and Nagle would hold it back 40 ms: seen on every USER after AUTH.
                socket.setTcpNoDelay(true);
            }
            session.getFilterChain().addFirst(FILTER, new ControlTls(tls, reply));
            if (privateData) {
                session.getDataConnection().setSecure(true);
            }
            session.write(reply);
        }
    }

    /**
     * MINA's TLS filter as MINA's {@code AUTH} makes it, the reply to {@code AUTH} let through in clear, and
     * one change: nothing is written when the session has closed. MINA 2.2's filter sends its
     * {@code close_notify} only then, once the connection is gone, and the write that fails makes MINA's
     * handler log "Client closed connection before all replies could be sent" as a warning at the end of
     * every TLS session. No byte could leave either way.
     */
    private static final class ControlTls extends SslFilter {
        private final Object clearReply;

        ControlTls(SSLContext context, Object clearReply) {
            super(context);
            this.clearReply = clearReply;
        }

        @Override
        public void filterWrite(NextFilter next, IoSession session, WriteRequest write) throws Exception {
            if (write.getOriginalMessage() == clearReply) {
                next.filterWrite(session, write); // the 234 goes out in clear; the handshake follows it
            } else {
                super.filterWrite(next, session, write);
            }
        }

        @Override
        public void sessionClosed(NextFilter next, IoSession session) throws Exception {
            session.removeAttribute(SSL_HANDLER);
            next.sessionClosed(session);
        }
    }

    /** {@code PBSZ}: TLS has no buffer size to agree on, so it is always 0 (RFC 4217, 9). */
    static final class Pbsz extends AbstractCommand {
        @Override
        public void execute(FtpIoSession session, FtpServerContext context, FtpRequest request)
                throws IOException, FtpException {
            session.resetState();
            if (!session.isSecure()) {
                session.write(new DefaultFtpReply(FtpReply.REPLY_503_BAD_SEQUENCE_OF_COMMANDS,
                        "PBSZ needs AUTH TLS first."));
            } else if (request.getArgument() == null) {
                session.write(new DefaultFtpReply(FtpReply.REPLY_501_SYNTAX_ERROR_IN_PARAMETERS_OR_ARGUMENTS,
                        "PBSZ needs a size: PBSZ 0."));
            } else {
                session.write(new DefaultFtpReply(FtpReply.REPLY_200_COMMAND_OKAY, "PBSZ=0"));
            }
        }
    }

    /** {@code PROT P} (data connections over TLS) and {@code PROT C} (in clear, unless TLS is required). */
    static final class Prot extends AbstractCommand {
        private final boolean required;

        /** @param required whether {@code PROT C} is refused ({@code -ftp-require-tls}) */
        Prot(boolean required) {
            this.required = required;
        }

        @Override
        public void execute(FtpIoSession session, FtpServerContext context, FtpRequest request)
                throws IOException, FtpException {
            session.resetState();
            String argument = request.getArgument();
            if (argument == null) {
                session.write(new DefaultFtpReply(FtpReply.REPLY_501_SYNTAX_ERROR_IN_PARAMETERS_OR_ARGUMENTS,
                        "PROT needs a level: PROT P or PROT C."));
                return;
            }
            if (!session.isSecure()) {
                session.write(new DefaultFtpReply(FtpReply.REPLY_503_BAD_SEQUENCE_OF_COMMANDS,
                        "PROT needs AUTH TLS and PBSZ 0 first."));
                return;
            }
            String level = argument.trim().toUpperCase(Locale.ROOT);
            switch (level) {
                case "P" -> {
                    session.getDataConnection().setSecure(true);
                    session.write(new DefaultFtpReply(FtpReply.REPLY_200_COMMAND_OKAY,
                            "PROT P: data connections are private (TLS)."));
                }
                case "C" -> {
                    if (required) {
                        session.write(new DefaultFtpReply(534,
                                "PROT C refused: this server requires private data connections (PROT P)."));
                        return;
                    }
                    session.getDataConnection().setSecure(false);
                    session.write(new DefaultFtpReply(FtpReply.REPLY_200_COMMAND_OKAY,
                            "PROT C: data connections are in clear."));
                }
                case "S", "E" -> session.write(new DefaultFtpReply(536,
                        "PROT " + level + " is not supported with TLS: PROT P or PROT C."));
                default -> session.write(new DefaultFtpReply(
                        FtpReply.REPLY_504_COMMAND_NOT_IMPLEMENTED_FOR_THAT_PARAMETER,
                        "PROT " + WriteReplies.printable(level) + " is unknown: PROT P or PROT C."));
            }
        }
    }

    /**
     * MINA's TLS configuration over a supplier of contexts: asked at each {@code AUTH}, so that a renewed
     * certificate reaches new sessions. No client certificates; the JDK's protocols and cipher suites.
     */
    static final class SuppliedConfiguration implements SslConfiguration {
        private final Supplier<SSLContext> contexts;

        SuppliedConfiguration(Supplier<SSLContext> contexts) {
            this.contexts = contexts;
        }

        @Override
        public SSLSocketFactory getSocketFactory() throws GeneralSecurityException {
            return getSSLContext().getSocketFactory();
        }

        @Override
        public SSLContext getSSLContext() throws GeneralSecurityException {
            SSLContext c = contexts.get();
            if (c == null) {
                throw new GeneralSecurityException("no TLS context");
            }
            return c;
        }

        @Override
        public SSLContext getSSLContext(String protocol) throws GeneralSecurityException {
            return getSSLContext();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return null;
        }

        @Override
        public String getEnabledProtocol() {
            return null;
        }

        @Override
        public String[] getEnabledProtocols() {
            return null; // the JDK's: TLS 1.3 and 1.2
        }

        @Override
        public ClientAuth getClientAuth() {
            return ClientAuth.NONE;
        }
    }
}
