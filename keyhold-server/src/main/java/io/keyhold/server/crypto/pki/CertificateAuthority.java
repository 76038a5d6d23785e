package io.keyhold.server.crypto.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's certificate authority: an EC P-256 key with a self-signed certificate valid for ten years,
 * which signs the certificates Certify and Re-certify issue (valid for one year, SHA-256 with ECDSA).
 * This class makes keys and certificates only; where they are stored, and how the CA private key is read
 * back (through {@code KeyMaterial}), is the caller's business.
 */
public final class CertificateAuthority {
    /** Subject and issuer of the CA certificate. */
    public static final X500Principal CA_SUBJECT = new X500Principal("CN=Keyhold Certificate Authority");
    public static final Duration CA_VALIDITY = Duration.ofDays(3653);
    public static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(365);
    private static final String SIGNATURE = "SHA256withECDSA";

    private CertificateAuthority() {}

    /**
     * A new CA: the private key (PKCS#8) and the self-signed certificate (DER). Zero the key with
     * {@link NewCa#erase()} once it is stored.
     */
    public static NewCa create(SecureRandom random, Instant now) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = g.generateKeyPair();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(CA_SUBJECT, serial(random),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(CA_VALIDITY)), CA_SUBJECT, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            byte[] der = b.build(signer(pair.getPrivate(), random)).getEncoded();
            return new NewCa(pair.getPrivate().getEncoded(), der);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("the JDK cannot make an EC P-256 CA", e);
        }
    }

    /**
     * A certificate for the parameters, signed by the CA key, DER-encoded.
     *
     * @throws GeneralSecurityException when the signature cannot be made
     */
    public static byte[] issue(IssueParameters parameters, PrivateKey caKey, X509Certificate caCertificate,
                               SecureRandom random) throws GeneralSecurityException {
        Objects.requireNonNull(parameters, "parameters");
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCertificate.getSubjectX500Principal(),
                    serial(random), Date.from(parameters.notBefore()), Date.from(parameters.notAfter()),
                    parameters.subject(), parameters.subjectKey())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(parameters.subjectKey()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(caCertificate));
            return b.build(signer(caKey, random)).getEncoded();
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("the certificate cannot be signed", e);
        }
    }

    /** Parses a DER X.509 certificate. */
    public static X509Certificate parse(byte[] der) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static ContentSigner signer(PrivateKey key, SecureRandom random) throws OperatorCreationException {
        return new JcaContentSignerBuilder(SIGNATURE).setSecureRandom(random).build(key);
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    /** A freshly made CA. The private key bytes are secret: toString hides them. */
    public static final class NewCa {
        private final byte[] privateKeyPkcs8;
        private final byte[] certificateDer;

        NewCa(byte[] privateKeyPkcs8, byte[] certificateDer) {
            this.privateKeyPkcs8 = privateKeyPkcs8;
            this.certificateDer = certificateDer;
        }

        /** The PKCS#8 private key, to be stored as a Private Key object; not a copy. */
        public byte[] privateKeyPkcs8() {
            return privateKeyPkcs8;
        }

        public byte[] certificateDer() {
            return certificateDer.clone();
        }

        public void erase() {
            Arrays.fill(privateKeyPkcs8, (byte) 0);
        }

        @Override
        public String toString() {
            return "NewCa[certificate " + certificateDer.length + " bytes]";
        }
    }
}
