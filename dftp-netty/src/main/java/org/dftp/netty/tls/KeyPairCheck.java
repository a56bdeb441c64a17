package org.dftp.netty.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Whether a key is the private half of a certificate: the TLS engines accept a mismatched pair and fail
 * every handshake later, so a node checks at start-up (and on a renewal) by signing and verifying a few
 * bytes. Checks PKCS#8 keys ({@code BEGIN PRIVATE KEY}, what certbot and {@code openssl req} write);
 * other encodings are left to the engine.
 */
final class KeyPairCheck {
    private static final byte[] PROBE = "dftp key pair check".getBytes(StandardCharsets.US_ASCII);

    private KeyPairCheck() {
    }

    static void check(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certFile)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (java.security.cert.CertificateException e) {
            throw new GeneralSecurityException("not a PEM certificate");
        }
        String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            return;
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("the key is not valid PEM");
        }
        PublicKey pub = cert.getPublicKey();
        PrivateKey priv = KeyFactory.getInstance(pub.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
        String alg = switch (pub.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null) {
            return;
        }
        Signature sign = Signature.getInstance(alg);
        sign.initSign(priv);
        sign.update(PROBE);
        byte[] sig = sign.sign();
        Signature verify = Signature.getInstance(alg);
        verify.initVerify(pub);
        verify.update(PROBE);
        if (!verify.verify(sig)) {
            throw new GeneralSecurityException("the key does not belong to the certificate");
        }
    }
}
