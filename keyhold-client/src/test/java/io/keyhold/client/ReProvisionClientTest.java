package io.keyhold.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-Provision through the client library: the new certificate works, the old one is refused. */
class ReProvisionClientTest {
    @TempDir
    Path dir;

    private static KmipClient client(String address, ClientTls tls) {
        return KmipClient.builder().servers(address).tls(tls).version(KmipVersion.V2_1)
                .requestTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void aClientReplacesItsCertificateAndConnectsWithTheNewOne() throws Exception {
        DevPki.ensure(dir);
        DevPki.Layout pki = new DevPki.Layout(dir);
        try (KeyholdTestServer server = KeyholdTestServer.start(dir,
                c -> c.withReProvision(ServerConfig.ReProvision.withCa(pki.ca(), pki.caKey())))) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair next = g.generateKeyPair();
            byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=client1"), next.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(next.getPrivate())).getEncoded();

            byte[] certificate;
            try (KmipClient old = client(server.address(), ClientTls.fromDirectory(dir))) {
                String kept = old.create(SymmetricKeySpec.builder().algorithm(
                        io.keyhold.protocol.spec.CryptographicAlgorithm.AES).length(128).build());
                String uid = old.reProvision(csr);
                certificate = old.get(uid).value();
                assertThatThrownBy(() -> old.get(kept)).isInstanceOfSatisfying(KmipClientException.class,
                        e -> assertThat(e.resultReason()).isEqualTo(ResultReason.PERMISSION_DENIED));
            }
            Path certificatePem = dir.resolve("client-new.pem");
            Path keyPem = dir.resolve("client-new.key");
            Files.writeString(certificatePem, pem("CERTIFICATE", certificate), StandardCharsets.US_ASCII);
            Files.writeString(keyPem, pem("PRIVATE KEY", next.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            try (KmipClient renewed = client(server.address(), ClientTls.fromFiles(pki.ca(), certificatePem, keyPem))) {
                assertThat(renewed.query(QueryFunction.QUERY_OPERATIONS).operations())
                        .contains(io.keyhold.protocol.spec.Operation.RE_PROVISION);
            }
        }
    }

    @Test
    void aClientSpeakingKmip1CannotReProvision() throws Exception {
        try (KeyholdTestServer server = KeyholdTestServer.start(dir);
             KmipClient old = KmipClient.builder().servers(server.address()).tls(ClientTls.fromDirectory(dir))
                     .version(KmipVersion.V1_4).requestTimeout(Duration.ofSeconds(30)).build()) {
            assertThatThrownBy(old::reProvision).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Re-Provision needs KMIP 2.0");
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
