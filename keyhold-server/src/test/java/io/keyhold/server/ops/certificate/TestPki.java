package io.keyhold.server.ops.certificate;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Keys, PKCS#10 requests and certificates made in test code with the JDK and BouncyCastle. */
final class TestPki {
    static final KeyPair RSA = generate("RSA", 2048);
    static final KeyPair EC = generate("EC", 256);

    private TestPki() {}

    static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String signatureFor(PrivateKey key) {
        return key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    }

    /** A DER PKCS#10 request for the subject, signed with the pair's private key. */
    static byte[] pkcs10(String subject, KeyPair pair) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Principal(subject), pair.getPublic())
                .build(new JcaContentSignerBuilder(signatureFor(pair.getPrivate())).build(pair.getPrivate())).getEncoded();
    }

    /** A certificate for subjectKey issued by issuer (self-signed when subject equals issuer). */
    static X509Certificate certificate(String subject, PublicKey subjectKey, String issuer, PrivateKey issuerKey,
                                       Instant from, Instant to, boolean ca) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Principal(issuer),
                BigInteger.valueOf(System.nanoTime()), Date.from(from), Date.from(to), new X500Principal(subject), subjectKey);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        return new JcaX509CertificateConverter().getCertificate(b.build(
                new JcaContentSignerBuilder(signatureFor(issuerKey)).build(issuerKey)));
    }

    /** The bytes with the first occurrence of {@code from} replaced by {@code to} (same length). */
    static byte[] replace(byte[] data, String from, String to) {
        byte[] f = from.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + f.length <= data.length; i++) {
            for (int k = 0; k < f.length; k++) {
                if (data[i + k] != f[k]) {
                    continue outer;
                }
            }
            byte[] out = data.clone();
            System.arraycopy(t, 0, out, i, t.length);
            return out;
        }
        throw new IllegalArgumentException(from + " not found");
    }
}
