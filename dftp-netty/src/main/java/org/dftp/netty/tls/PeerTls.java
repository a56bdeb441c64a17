package org.dftp.netty.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * TLS between nodes ({@code -peer-tls}): the management API serves with the node's certificate, and every
 * connection to a peer (greetings, updates, pings, proxied files, forwarded writes, FTP's reads and writes
 * through peers) speaks TLS and checks that the peer's certificate chains to {@code -peer-ca}, or to this
 * node's own certificate when a cluster shares one. Host names are not checked: nodes reach each other by
 * the addresses they announce, often bare IPs that a certificate does not name; the chain is what says a
 * peer belongs to the cluster.
 */
public final class PeerTls {
    private final SslContext client;
    private final SSLContext jdkClient;
    private final ServerTls server;

    private PeerTls(SslContext client, SSLContext jdkClient, ServerTls server) {
        this.client = client;
        this.jdkClient = jdkClient;
        this.server = server;
    }

    /** @param trust the PEM certificates peers must chain to */
    public static PeerTls create(ServerTls server, Path trust) throws IOException {
        try {
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(trust)) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new IOException("no certificate in " + trust);
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("peer-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SslContext client = SslContextBuilder.forClient().trustManager(tmf).build();
            SSLContext jdk = SSLContext.getInstance("TLS");
            jdk.init(null, tmf.getTrustManagers(), null);
            return new PeerTls(client, jdk, server);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the peer certificates of " + trust + ": " + e.getMessage(), e);
        }
    }

    /** A client handler for a connection to a peer at {@code host:port}. */
    public SslHandler clientHandler(ByteBufAllocator alloc, String host, int port) {
        return client.newHandler(alloc, host, port);
    }

    /** Reactor Netty's client, speaking TLS to peers. */
    public HttpClient secure(HttpClient http) {
        return http.secure(spec -> spec.sslContext(client)
                .handlerConfigurator(h -> {
                    javax.net.ssl.SSLParameters p = h.engine().getSSLParameters();
                    p.setEndpointIdentificationAlgorithm(null);
                    h.engine().setSSLParameters(p);
                }));
    }

    /** Reactor Netty's server, speaking TLS with the node's certificate. */
    public HttpServer secure(HttpServer http) {
        return http.secure(spec -> spec.sslContext(server.http1Context()));
    }

    /** A blocking socket to a peer, wrapped in TLS and handshaken. */
    public Socket wrap(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) jdkClient.getSocketFactory().createSocket(plain, host, port, true);
        s.startHandshake();
        return s;
    }

    /** The JDK context of the blocking clients (FTP's reads through peers). */
    public SSLContext jdkClient() {
        return jdkClient;
    }
}
