package io.keyhold.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Tiny self-signed server certificates (EC P-256) with chosen validity, and stray keys, as PEM files. */
final class TestCertificates {
    private TestCertificates() {
    }

    /** A certificate file and the private key file that belongs to it. */
    record Pair(Path certificate, Path privateKey) {
    }

    /** A self-signed certificate for CN=localhost valid from {@code notBefore} to {@code notAfter}, and its key. */
    static Pair selfSigned(Path dir, String name, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair pair = ecKeyPair();
        var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=localhost"),
                BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter),
                new X500Name("CN=localhost"), pair.getPublic());
        var certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        return new Pair(write(dir.resolve(name + ".pem"), certificate), writeKey(dir.resolve(name + ".key"),
                pair.getPrivate()));
    }

    /** A private key file that belongs to no certificate. */
    static Path strayKey(Path dir, String name) throws Exception {
        return writeKey(dir.resolve(name + ".key"), ecKeyPair().getPrivate());
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** PKCS#8, {@code BEGIN PRIVATE KEY}. */
    private static Path writeKey(Path file, PrivateKey key) throws IOException {
        return Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    private static Path write(Path file, Object pemObject) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(pemObject);
        }
        return Files.writeString(file, text.toString());
    }
}
