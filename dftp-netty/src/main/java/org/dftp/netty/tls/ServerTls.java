package org.dftp.netty.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.dftp.netty.StartFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS from a PEM certificate chain and key, as certbot writes them. The engine is
 * chosen in this one place: BoringSSL (netty-tcnative) where its native library loads, else the JDK's;
 * the choice is logged once. ALPN offers HTTP/2 and HTTP/1.1. {@link #handler} checks the files' modification times at most every
 * {@link #CHECK_NANOS} and builds a new context when they changed, so a renewed certificate is used for
 * new connections without a restart; a renewal that does not load is logged and the old context kept.
 *
 * <p>FTP's TLS (MINA) takes a JDK {@link SSLContext}: {@link #jdkContext} builds one from the same files
 * when first asked, once for each loaded certificate, by the same reload rule; the HTTP port keeps its
 * engine.
 *
 * <p>Thread-safe: handlers are made on every event loop.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    static final long CHECK_NANOS = 5_000_000_000L;
    private static volatile boolean engineLogged;

    private final Path cert;
    private final Path key;
    private volatile Loaded loaded;
    private volatile long nextCheck;

    /** One load of the files: the public port's context, the management port's, and the JDK's for FTP once asked for. */
    private static final class Loaded {
        final SslContext context;
        final SslContext http1;
        final FileTime certTime;
        final FileTime keyTime;
        /** Built by {@link #jdkContext} on first use; guarded by the ServerTls. */
        SSLContext jdk;

        Loaded(SslContext context, SslContext http1, FileTime certTime, FileTime keyTime) {
            this.context = context;
            this.http1 = http1;
            this.certTime = certTime;
            this.keyTime = keyTime;
        }
    }

    /** The last JDK context that loaded, kept while a renewal's will not. */
    private SSLContext lastJdk;

    private ServerTls(Path cert, Path key, Loaded loaded) {
        this.cert = cert;
        this.key = key;
        this.loaded = loaded;
        this.nextCheck = System.nanoTime() + CHECK_NANOS;
    }

    /**
     * Loads {@code cert} (PEM, the certificate first, then its chain) and {@code key} (PEM, PKCS#8); a file that does not load is an {@link IOException} naming it, never its content.
     */
    public static ServerTls load(Path cert, Path key) throws IOException {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        return new ServerTls(cert, key, build(cert, key));
    }

    /** The engine in use: {@code OpenSSL (BoringSSL)} or {@code JDK}. */
    public static String engine() {
        return provider() == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
    }

    private static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    private static Loaded build(Path cert, Path key) throws IOException {
        FileTime ct = Files.getLastModifiedTime(cert);
        FileTime kt = Files.getLastModifiedTime(key);
        SslContext ctx;
        SslContext http1;
        try {
            KeyPairCheck.check(cert, key);
            ctx = context(cert, key, ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
            http1 = context(cert, key, ApplicationProtocolNames.HTTP_1_1);
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
            throw new IOException("cannot load the TLS certificate " + cert + " with its key " + key + ": "
                    + StartFailures.rootMessage(e), e);
        }
        if (!engineLogged) {
            engineLogged = true;
            log.info("TLS: {} engine", engine());
        }
        return new Loaded(ctx, http1, ct, kt);
    }

    private static SslContext context(Path cert, Path key, String... protocols) throws IOException {
        return SslContextBuilder.forServer(cert.toFile(), key.toFile())
                .sslProvider(provider())
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        protocols))
                .build();
    }

    /** A handler for a new connection, from the current context (renewed first if the files changed). */
    public SslHandler handler(ByteBufAllocator alloc) {
        reloadIfChanged();
        return loaded.context.newHandler(alloc);
    }

    /** The current context, offering HTTP/2 and HTTP/1.1 by ALPN. */
    public SslContext context() {
        reloadIfChanged();
        return loaded.context;
    }

    /**
     * The current certificate as a JDK context (FTP's), built from the files on first use after each load and
     * kept until the next. A renewal whose files the JDK cannot read (a key Netty's JDK path does not parse)
     * is logged and the previous JDK context kept, as {@link #handler} keeps the old context.
     *
     * @throws UncheckedIOException when not even the first load can be read by the JDK
     */
    public SSLContext jdkContext() {
        reloadIfChanged();
        Loaded l = loaded;
        synchronized (this) {
            if (l.jdk == null) {
                try {
                    l.jdk = buildJdk(cert, key);
                    lastJdk = l.jdk;
                } catch (IOException e) {
                    if (lastJdk == null) {
                        throw new UncheckedIOException(e);
                    }
                    log.warn("TLS: FTP keeps the current certificate: {}", e.getMessage());
                    l.jdk = lastJdk;
                }
            }
            return l.jdk;
        }
    }

    private static SSLContext buildJdk(Path cert, Path key) throws IOException {
        try {
            SslContext ctx = SslContextBuilder.forServer(cert.toFile(), key.toFile()).sslProvider(SslProvider.JDK).build();
            return ((JdkSslContext) ctx).context();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot load the TLS certificate " + cert + " with its key " + key
                    + " for FTP (the JDK's engine): " + StartFailures.rootMessage(e), e);
        }
    }

    /** The current context offering HTTP/1.1 only: for the management API, which speaks nothing else. */
    public SslContext http1Context() {
        reloadIfChanged();
        return loaded.http1;
    }

    /** Checks the files' times, at most every {@link #CHECK_NANOS}; a stat each, on the caller's thread. */
    void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - nextCheck < 0) {
            return;
        }
        synchronized (this) {
            if (now - nextCheck < 0) {
                return;
            }
            nextCheck = now + CHECK_NANOS;
            Loaded l = loaded;
            try {
                if (Files.getLastModifiedTime(cert).equals(l.certTime) && Files.getLastModifiedTime(key).equals(l.keyTime)) {
                    return;
                }
                loaded = build(cert, key);
                log.info("TLS: certificate {} reloaded", cert);
            } catch (IOException e) {
                log.warn("TLS: keeping the current certificate: {}", e.getMessage());
            }
        }
    }

    /** Makes the next {@link #handler} call check the files (tests, and a SIGHUP-like nudge). */
    void checkNow() {
        nextCheck = System.nanoTime();
    }
}
