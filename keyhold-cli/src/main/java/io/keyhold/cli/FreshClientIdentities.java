package io.keyhold.cli;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import io.keyhold.testkit.conformance.VectorFile;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues a throw-away client identity (an EC P-256 key and a one-day certificate from the test CA in a
 * {@code keyhold dev} directory) for each vector file, so that objects, names and Locate results one
 * file leaves behind are invisible to the next: the server scopes them by owner. Chained test cases
 * share one. Kept in memory only.
 */
final class FreshClientIdentities {
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private final X509Certificate ca;
    private final PrivateKey caKey;
    private final TrustManagerFactory trust;
    private final SecureRandom random = new SecureRandom();
    private final String run = Long.toHexString(System.currentTimeMillis());
    private final Map<String, SSLContext> bySeries = new HashMap<>();
    private int issued;

    private FreshClientIdentities(X509Certificate ca, PrivateKey caKey, TrustManagerFactory trust) {
        this.ca = ca;
        this.caKey = caKey;
        this.trust = trust;
    }

    /** From ca.pem and ca.key (PKCS#8 PEM, RSA or EC) in a certificate directory. */
    static FreshClientIdentities fromDirectory(Path dir) throws IOException {
        Path caFile = dir.resolve("ca.pem");
        Path keyFile = dir.resolve("ca.key");
        try {
            X509Certificate ca;
            try (InputStream in = Files.newInputStream(caFile)) {
                ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
            int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
            int end = pem.indexOf("-----END PRIVATE KEY-----");
            if (begin < 0 || end < begin) {
                throw new IOException(keyFile + " does not hold a PKCS#8 PEM private key");
            }
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
            PrivateKey key = KeyFactory.getInstance(ca.getPublicKey().getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore);
            return new FreshClientIdentities(ca, key, tmf);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot issue client certificates from " + caFile + " and " + keyFile + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The client for a file: a new one, except that a file continuing an earlier one of its series (it
     * starts by locating what that one created) runs as the client that ran the series so far.
     */
    synchronized SSLContext forFile(VectorFile file) throws IOException {
        SSLContext previous = bySeries.get(file.series());
        SSLContext ctx = file.continuesEarlierFile() && previous != null ? previous : next();
        bySeries.put(file.series(), ctx);
        return ctx;
    }

    /** A TLS context for a new client identity, CN "conformance-RUN-N". */
    synchronized SSLContext next() throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair kp = g.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=conformance-" + run + "-" + ++issued + ",O=Keyhold conformance");
            var builder = new JcaX509v3CertificateBuilder(ca, new BigInteger(127, random).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
                    kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            String alg = caKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(alg).build(caKey)));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", kp.getPrivate(), IN_MEMORY, new Certificate[] {cert, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, IN_MEMORY);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), trust.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | OperatorException e) {
            throw new IOException("cannot issue a client certificate: " + e.getMessage(), e);
        }
    }
}
