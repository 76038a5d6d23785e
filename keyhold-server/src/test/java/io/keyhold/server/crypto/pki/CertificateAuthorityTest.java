package io.keyhold.server.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ValidityIndicator;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    @Test
    void create_selfSignedP256CaForTenYears() throws Exception {
        CertificateAuthority.NewCa ca = CertificateAuthority.create(RANDOM, NOW);
        X509Certificate cert = CertificateAuthority.parse(ca.certificateDer());
        cert.verify(cert.getPublicKey());
        assertThat(cert.getSubjectX500Principal()).isEqualTo(CertificateAuthority.CA_SUBJECT);
        assertThat(cert.getIssuerX500Principal()).isEqualTo(CertificateAuthority.CA_SUBJECT);
        assertThat(cert.getBasicConstraints()).isEqualTo(0);
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3653)));
        assertThat(ca.toString()).doesNotContain("privateKey").startsWith("NewCa[certificate ");
        ca.erase();
        assertThat(ca.privateKeyPkcs8()).containsOnly(0);
    }

    @Test
    void issue_certificateVerifiesWithTheCaAndChainsToIt() throws Exception {
        CertificateAuthority.NewCa ca = CertificateAuthority.create(RANDOM, NOW);
        X509Certificate caCert = CertificateAuthority.parse(ca.certificateDer());
        PrivateKey caKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(ca.privateKeyPkcs8()));
        KeyPair subject = ec();
        byte[] der = CertificateAuthority.issue(new IssueParameters(new X500Principal("CN=a"), subject.getPublic(), NOW,
                NOW.plus(CertificateAuthority.CERTIFICATE_VALIDITY)), caKey, caCert, RANDOM);
        X509Certificate cert = CertificateAuthority.parse(der);
        cert.verify(caCert.getPublicKey());
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(ChainValidation.validate(List.of(cert), caCert, NOW.plusSeconds(60))).isEqualTo(ValidityIndicator.VALID);
        assertThat(ChainValidation.validate(List.of(cert), caCert, NOW.plus(Duration.ofDays(366))))
                .isEqualTo(ValidityIndicator.INVALID);
        // another CA with the same name did not sign it
        X509Certificate otherCa = CertificateAuthority.parse(CertificateAuthority.create(RANDOM, NOW).certificateDer());
        assertThat(ChainValidation.validate(List.of(cert), otherCa, NOW.plusSeconds(60))).isEqualTo(ValidityIndicator.INVALID);
    }

    @Test
    void issueParameters_refuseEmptySubjectAndReversedDates() throws Exception {
        KeyPair k = ec();
        assertThatThrownBy(() -> new IssueParameters(new X500Principal(""), k.getPublic(), NOW, NOW.plusSeconds(1)))
                .hasMessage("the certificate subject is empty");
        assertThatThrownBy(() -> new IssueParameters(new X500Principal("CN=a"), k.getPublic(), NOW, NOW))
                .hasMessageContaining("before it starts");
    }

    @Test
    void pkcs10_verifiedRequest_givesSubjectAndKey_andBadOnesAreInvalidCsr() throws Exception {
        KeyPair k = ec();
        byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=req"), k.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate())).getEncoded();
        CertificationRequests.CertificationRequest r = CertificationRequests.pkcs10(der);
        assertThat(r.subject()).isEqualTo(new X500Principal("CN=req"));
        assertThat(r.publicKey().getEncoded()).isEqualTo(k.getPublic().getEncoded());

        // signed by another key than the one it carries
        KeyPair other = ec();
        byte[] forged = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=req"), k.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(other.getPrivate())).getEncoded();
        KmipException e = org.assertj.core.api.Assertions.catchThrowableOfType(KmipException.class,
                () -> CertificationRequests.pkcs10(forged));
        assertThat(e.reason()).isEqualTo(ResultReason.INVALID_CSR);
        assertThat(e.getMessage()).isEqualTo("the PKCS#10 request's signature does not verify with its public key");
        KmipException empty = org.assertj.core.api.Assertions.catchThrowableOfType(KmipException.class,
                () -> CertificationRequests.pkcs10(new byte[0]));
        assertThat(empty.reason()).isEqualTo(ResultReason.INVALID_CSR);
        KmipException notPem = org.assertj.core.api.Assertions.catchThrowableOfType(KmipException.class,
                () -> CertificationRequests.pem("hello".getBytes()));
        assertThat(notPem.getMessage()).isEqualTo("the Certificate Request is not PEM-encoded");
    }
}
