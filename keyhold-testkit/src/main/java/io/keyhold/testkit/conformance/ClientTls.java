package io.keyhold.testkit.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of mutual TLS from a certificate directory laid out as {@code keyhold dev} writes it:
 * {@code ca.pem} (the CA the server certificate must chain to) and {@code <client>.p12} (the client
 * certificate and key).
 */
public final class ClientTls {
    private ClientTls() {}

    /**
     * @param dir        the directory holding ca.pem and the PKCS#12 file
     * @param clientFile the PKCS#12 file name inside it ("client.p12")
     * @param password   the PKCS#12 password
     */
    public static SSLContext fromDirectory(Path dir, String clientFile, char[] password) throws IOException {
        Path p12 = dir.resolve(clientFile);
        Path ca = dir.resolve("ca.pem");
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream s = Files.newInputStream(p12)) {
                ks.load(s, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream s = Files.newInputStream(ca)) {
                int i = 0;
                for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(s)) {
                    trust.setCertificateEntry("ca" + i++, cert);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + p12 + " and " + ca + " for TLS: " + e.getMessage(), e);
        }
    }
}
