package org.dftp.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The test certificates of {@code src/test/resources/tls} ({@code a} and {@code b}) as JDK contexts: a
 * server's from the PEM pair, as the node builds it from {@code -tls-cert}/{@code -tls-key}, and a client's
 * that trusts both and records which one each server presented.
 */
final class TestTls {
    private static final char[] PASSWORD = "test".toCharArray();

    private TestTls() {
    }

    /** The server context of certificate {@code a} or {@code b}. */
    static SSLContext server(String which) {
        try {
            X509Certificate cert = certificate(which);
            String pem = resource(which + "-key.pem");
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance(cert.getPublicKey().getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(which, key, PASSWORD, new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context trusting {@code a} and {@code b}; {@link Client#presented} lists the subjects it saw. */
    static Client client() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("a", certificate("a"));
            ks.setCertificateEntry("b", certificate("b"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            X509TrustManager trust = (X509TrustManager) tmf.getTrustManagers()[0];
            Client client = new Client(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {client}, null);
            client.context = context;
            return client;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Certificate {@code a} or {@code b} written to {@code dir}, for the clients that read a CA file. */
    static Path certificateFile(Path dir, String which) throws IOException {
        Path file = dir.resolve(which + "-cert.pem");
        Files.writeString(file, resource(which + "-cert.pem"), StandardCharsets.US_ASCII);
        return file;
    }

    private static X509Certificate certificate(String which) throws IOException, GeneralSecurityException {
        try (InputStream in = TestTls.class.getResourceAsStream("/tls/" + which + "-cert.pem")) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TestTls.class.getResourceAsStream("/tls/" + name)) {
            if (in == null) {
                throw new IOException("no test resource /tls/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** A trusting client that records the subject of every server certificate it checks. */
    static final class Client implements X509TrustManager {
        private final X509TrustManager trust;
        private final List<String> presented = new ArrayList<>();
        SSLContext context;

        private Client(X509TrustManager trust) {
            this.trust = trust;
        }

        /** The subjects of the servers' certificates, in the order the handshakes checked them. */
        synchronized List<String> presented() {
            return List.copyOf(presented);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            trust.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            synchronized (this) {
                presented.add(chain[0].getSubjectX500Principal().getName());
            }
            trust.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.getAcceptedIssuers();
        }
    }
}
