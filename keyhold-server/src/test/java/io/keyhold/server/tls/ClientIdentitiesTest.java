package io.keyhold.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.server.auth.Identity;
import io.keyhold.server.config.ServerConfig.ClientIdentity;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Date;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ClientIdentities}: the identity a client certificate gives under each tls.client_identity mode. */
class ClientIdentitiesTest {
    private static KeyPair keys;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        keys = g.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, GeneralName... alternativeNames) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Principal("CN=Test CA"), BigInteger.TEN,
                new Date(1_600_000_000_000L), new Date(4_000_000_000_000L), new X500Principal(subject), keys.getPublic());
        if (alternativeNames.length > 0) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(keys.getPrivate())));
    }

    @Test
    void commonNameAndSubject_asBefore() throws Exception {
        X509Certificate cert = certificate("O=Example,CN=client1");
        assertThat(ClientIdentities.of(cert, ClientIdentity.COMMON_NAME)).isEqualTo(new Identity("client1"));
        assertThat(ClientIdentities.of(cert, ClientIdentity.SUBJECT)).isEqualTo(new Identity("O=Example,CN=client1"));
    }

    @Test
    void sanModes_takeTheOneNameOfTheirType() throws Exception {
        X509Certificate cert = certificate("CN=client1",
                new GeneralName(GeneralName.rfc822Name, "alice@example.com"),
                new GeneralName(GeneralName.dNSName, "app.example.com"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://example.com/app"));
        assertThat(ClientIdentities.of(cert, ClientIdentity.SAN_EMAIL)).isEqualTo(new Identity("alice@example.com"));
        assertThat(ClientIdentities.of(cert, ClientIdentity.SAN_DNS)).isEqualTo(new Identity("app.example.com"));
        assertThat(ClientIdentities.of(cert, ClientIdentity.SAN_URI)).isEqualTo(new Identity("spiffe://example.com/app"));
    }

    @Test
    void sanMode_noSuchName_isRefusedWithCount() throws Exception {
        X509Certificate cert = certificate("CN=client1", new GeneralName(GeneralName.dNSName, "app.example.com"));
        assertThatThrownBy(() -> ClientIdentities.of(cert, ClientIdentity.SAN_EMAIL))
                .isInstanceOf(SSLPeerUnverifiedException.class)
                .hasMessage("the client certificate has 0 e-mail (rfc822Name) Subject Alternative Names"
                        + " (expected: exactly 1 for tls.client_identity)");
        assertThatThrownBy(() -> ClientIdentities.of(certificate("CN=client1"), ClientIdentity.SAN_URI))
                .isInstanceOf(SSLPeerUnverifiedException.class).hasMessageContaining("has 0 URI");
    }

    @Test
    void sanMode_twoNamesOfTheType_isRefused() throws Exception {
        X509Certificate cert = certificate("CN=client1", new GeneralName(GeneralName.dNSName, "a.example.com"),
                new GeneralName(GeneralName.dNSName, "b.example.com"));
        assertThatThrownBy(() -> ClientIdentities.of(cert, ClientIdentity.SAN_DNS))
                .isInstanceOf(SSLPeerUnverifiedException.class).hasMessageContaining("has 2 DNS name Subject Alternative Names");
    }
}
