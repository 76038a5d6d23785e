package io.keyhold.server.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevPkiTest {
    @TempDir
    static Path dir;
    static List<Path> created;
    static DevPki.Layout pki;

    @BeforeAll
    static void create() throws IOException {
        created = DevPki.ensure(dir);
        pki = new DevPki.Layout(dir);
    }

    static X509Certificate cert(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static void verifyChain(X509Certificate leaf, X509Certificate ca) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
    }

    @Test
    void ensure_createsEveryFile() {
        assertThat(created).containsExactlyInAnyOrder(pki.ca(), pki.caKey(), pki.serverCertificate(), pki.serverKey(),
                pki.clientCertificate(1), pki.clientKey(1), pki.clientP12(1),
                pki.clientCertificate(2), pki.clientKey(2), pki.clientP12(2));
        assertThat(dir.resolve("client.pem")).exists();
        assertThat(dir.resolve("client2.p12")).exists();
    }

    @Test
    void keys_arePkcs8PemReadableByTheOwnerOnly() throws Exception {
        for (Path key : List.of(pki.serverKey(), pki.clientKey(1), pki.clientKey(2), pki.caKey())) {
            assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
            assertThat(Files.getPosixFilePermissions(key))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    void certificates_chainToTheCa() throws Exception {
        X509Certificate ca = cert(pki.ca());
        verifyChain(cert(pki.serverCertificate()), ca);
        verifyChain(cert(pki.clientCertificate(1)), ca);
        verifyChain(cert(pki.clientCertificate(2)), ca);
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void serverCertificate_namesLocalhostAndLoopbackAddresses() throws Exception {
        X509Certificate server = cert(pki.serverCertificate());
        Map<String, Integer> names = new TreeMap<>();
        for (List<?> san : server.getSubjectAlternativeNames()) {
            names.put(String.valueOf(san.get(1)), (Integer) san.get(0));
        }
        assertThat(names).containsEntry("localhost", 2).containsEntry("127.0.0.1", 7);
        assertThat(names.keySet()).anyMatch(n -> n.startsWith("0:0:0:0:0:0:0:1"));
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(server.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(server.getKeyUsage()[2]).as("keyEncipherment, for RSA key exchange").isTrue();
    }

    @Test
    void clientCertificates_carryTheirCommonNames() throws Exception {
        assertThat(cert(pki.clientCertificate(1)).getSubjectX500Principal().getName()).contains("CN=client1");
        assertThat(cert(pki.clientCertificate(2)).getSubjectX500Principal().getName()).contains("CN=client2");
        assertThat(cert(pki.clientCertificate(1)).getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    }

    @Test
    void p12_opensWithChangeit() throws Exception {
        for (int client = 1; client <= 2; client++) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(pki.clientP12(client))) {
                ks.load(in, "changeit".toCharArray());
            }
            String alias = ks.aliases().nextElement();
            assertThat(alias).isEqualTo("client" + client);
            assertThat(ks.getKey(alias, "changeit".toCharArray())).isInstanceOf(PrivateKey.class);
            assertThat(ks.getCertificateChain(alias)).hasSize(2);
            assertThat(ks.getCertificate(alias)).isEqualTo(cert(pki.clientCertificate(client)));
        }
    }

    @Test
    void secondRun_overwritesNothing() throws Exception {
        Map<Path, byte[]> before = new TreeMap<>();
        for (Path p : created) {
            before.put(p, Files.readAllBytes(p));
        }
        assertThat(DevPki.ensure(dir)).isEmpty();
        for (Path p : created) {
            assertThat(Files.readAllBytes(p)).as(p.toString()).isEqualTo(before.get(p));
        }
    }

    @Test
    void missingFiles_areIssuedByTheExistingCa(@TempDir Path other) throws Exception {
        DevPki.ensure(other);
        DevPki.Layout o = new DevPki.Layout(other);
        byte[] ca = Files.readAllBytes(o.ca());
        byte[] server = Files.readAllBytes(o.serverCertificate());
        Files.delete(o.clientCertificate(2));
        Files.delete(o.clientKey(2));
        Files.delete(o.clientP12(2));
        Files.delete(o.clientP12(1));

        assertThat(DevPki.ensure(other)).containsExactlyInAnyOrder(o.clientP12(1), o.clientCertificate(2),
                o.clientKey(2), o.clientP12(2));
        assertThat(Files.readAllBytes(o.ca())).isEqualTo(ca);
        assertThat(Files.readAllBytes(o.serverCertificate())).isEqualTo(server);
        verifyChain(cert(o.clientCertificate(2)), cert(o.ca()));
    }

    @Test
    void certificateWithoutItsKey_isReportedNotReplaced(@TempDir Path other) throws Exception {
        DevPki.ensure(other);
        DevPki.Layout o = new DevPki.Layout(other);
        Files.delete(o.serverKey());
        byte[] server = Files.readAllBytes(o.serverCertificate());

        assertThatThrownBy(() -> DevPki.ensure(other)).isInstanceOf(IOException.class)
                .hasMessageContaining("server.pem exists without").hasMessageContaining("server.key");
        assertThat(Files.readAllBytes(o.serverCertificate())).isEqualTo(server);
    }
}
