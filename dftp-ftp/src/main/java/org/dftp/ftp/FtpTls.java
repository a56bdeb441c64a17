package org.dftp.ftp;

import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Explicit TLS on the FTP port ({@code AUTH TLS}, RFC 4217), or none.
 *
 * <p>The context is asked for once per control session, at its {@code AUTH}; that session's data connections
 * use the same context (so a client can resume the control connection's TLS session on them). A supplier that
 * hands out a new context when the certificate files are renewed thus serves renewed certificates to new
 * sessions without a restart.
 *
 * @param context the server's JDK {@link SSLContext} (MINA's TLS filter wants the JDK's); null for no TLS,
 *     where {@code AUTH} is answered {@code 431} as before
 * @param required {@code -ftp-require-tls}: no {@code USER}/{@code PASS} before {@code AUTH TLS}, and no
 *     data transfer without {@code PROT P}
 */
public record FtpTls(Supplier<SSLContext> context, boolean required) {
    /** Plain FTP only. */
    public static final FtpTls OFF = new FtpTls(null, false);

    public FtpTls {
        if (required && context == null) {
            throw new IllegalArgumentException("FTP: -ftp-require-tls needs -tls-cert and -tls-key");
        }
    }

    /** TLS offered, not required. */
    public static FtpTls offered(Supplier<SSLContext> context) {
        return new FtpTls(java.util.Objects.requireNonNull(context, "context"), false);
    }

    /** Whether {@code AUTH TLS} is offered. */
    public boolean enabled() {
        return context != null;
    }
}
