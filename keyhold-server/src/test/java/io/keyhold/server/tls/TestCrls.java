package io.keyhold.server.tls;

import io.keyhold.server.pki.DevPki;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificate revocation lists signed by a test CA, written as PEM or DER. */
final class TestCrls {
    private TestCrls() {
    }

    /** A CRL of the PKI's CA revoking the given certificates (none: an empty CRL), valid for a day. */
    static byte[] der(DevPki.Layout pki, Path... revoked) throws Exception {
        X509Certificate ca = certificate(pki.ca());
        Instant now = Instant.now();
        X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                Date.from(now.minusSeconds(60)));
        b.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
        for (Path certFile : revoked) {
            BigInteger serial = certificate(certFile).getSerialNumber();
            b.addCRLEntry(serial, Date.from(now.minusSeconds(30)), CRLReason.keyCompromise);
        }
        X509CRLHolder holder = b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey(pki)));
        return holder.getEncoded();
    }

    static Path writeDer(Path file, DevPki.Layout pki, Path... revoked) throws Exception {
        return Files.write(file, der(pki, revoked));
    }

    static Path writePem(Path file, DevPki.Layout pki, Path... revoked) throws Exception {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der(pki, revoked));
        return Files.writeString(file, "-----BEGIN X509 CRL-----\n" + body + "\n-----END X509 CRL-----\n");
    }

    static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey caKey(DevPki.Layout pki) throws Exception {
        String pem = Files.readString(pki.caKey()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }
}
