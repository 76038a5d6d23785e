package io.keyhold.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.AdjustmentType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.DerivationMethod;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.SplitKeyMethod;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's less common operations (Derive Key, split keys, Certify / Re-certify / Validate, Check, Obtain
 * Lease, Get Usage Allocation, RNG Seed, Set / Adjust Attribute, Log) against a real Keyhold server.
 */
class KmipClientOperationsTest {
    private static final byte[] SALT = "pepper-and-salt!".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    private static KeyholdTestServer server;
    private static ClientTls tls;

    @BeforeAll
    static void start() throws Exception {
        server = KeyholdTestServer.start(dir);
        tls = ClientTls.fromDirectory(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static KmipClient client(String version) {
        return KmipClient.builder().servers(server.address()).tls(tls).version(KmipVersion.parse(version))
                .requestTimeout(Duration.ofSeconds(30)).build();
    }

    private static String password(KmipClient kmip, String password) throws Exception {
        String uid = kmip.registerSecretData(SecretDataType.PASSWORD, password.getBytes(StandardCharsets.UTF_8),
                List.of(KmipAttributes.usageMask(CryptographicUsageMask.DERIVE_KEY)));
        kmip.activate(uid);
        return uid;
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.4", "2.1"})
    void deriveKey_pbkdf2_givesTheRfc8018Key(String version) throws Exception {
        try (KmipClient kmip = client(version)) {
            String base = password(kmip, "correct horse");
            String derived = kmip.deriveKey(base, DerivationMethod.PBKDF2,
                    DerivationParameters.pbkdf2(HashingAlgorithm.SHA_256, SALT, 1000), SymmetricKeySpec.aes(256));
            byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec("correct horse".toCharArray(), SALT, 1000, 256)).getEncoded();
            ManagedObject key = kmip.get(derived);
            assertThat(key.objectType()).isEqualTo(ObjectType.SYMMETRIC_KEY);
            assertThat(key.algorithm()).isEqualTo(CryptographicAlgorithm.AES);
            assertThat(key.value()).isEqualTo(expected);
        }
    }

    @Test
    void deriveKey_hkdf_givesTheRfc5869Key() throws Exception {
        try (KmipClient kmip = client("2.1")) {
            String base = password(kmip, "input keying material");
            byte[] info = "context".getBytes(StandardCharsets.UTF_8);
            String derived = kmip.deriveKey(base, DerivationMethod.HKDF,
                    DerivationParameters.hkdf(HashingAlgorithm.SHA_256, SALT, info), SymmetricKeySpec.aes(256));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SALT, "HmacSHA256"));
            byte[] prk = mac.doFinal("input keying material".getBytes(StandardCharsets.UTF_8));
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(info);
            byte[] okm = mac.doFinal(new byte[] {1});
            assertThat(kmip.get(derived).value()).isEqualTo(okm);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.4", "2.1"})
    void splitKey_threeOfFive_joinsToTheKey(String version) throws Exception {
        try (KmipClient kmip = client(version)) {
            String key = kmip.create(SymmetricKeySpec.aes(256));
            List<String> parts = kmip.createSplitKey(key, 5, 3, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8, null);
            assertThat(parts).hasSize(5).doesNotHaveDuplicates();
            assertThat(kmip.get(parts.get(0)).objectType()).isEqualTo(ObjectType.SPLIT_KEY);
            String joined = kmip.joinSplitKey(List.of(parts.get(4), parts.get(1), parts.get(2)), ObjectType.SYMMETRIC_KEY,
                    List.of(KmipAttributes.usageMask(CryptographicUsageMask.ENCRYPT, CryptographicUsageMask.DECRYPT)));
            assertThat(kmip.get(joined).value()).isEqualTo(kmip.get(key).value());
            assertThatThrownBy(() -> kmip.joinSplitKey(parts.subList(0, 2), ObjectType.SYMMETRIC_KEY, List.of()))
                    .isInstanceOf(KmipClientException.class)
                    .satisfies(e -> assertThat(((KmipClientException) e).resultReason()).isEqualTo(ResultReason.MISSING_DATA));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.4", "2.1"})
    void certify_reCertify_validate(String version) throws Exception {
        try (KmipClient kmip = client(version)) {
            KeyPair pair = kmip.createKeyPair(KeyPairSpec.rsa(2048));
            String cert = kmip.certify(pair.publicKeyId(), "CN=device-1,O=Example", List.of(KmipAttributes.name("device-1")));
            ManagedObject c = kmip.get(cert);
            assertThat(c.objectType()).isEqualTo(ObjectType.CERTIFICATE);
            X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(c.value()));
            assertThat(x509.getSubjectX500Principal().getName()).isEqualTo("CN=device-1,O=Example");
            assertThat(kmip.validate(List.of(cert))).isEqualTo(ValidityIndicator.VALID);

            String renewed = kmip.reCertify(cert);
            assertThat(renewed).isNotEqualTo(cert);
            assertThat(kmip.get(renewed).objectType()).isEqualTo(ObjectType.CERTIFICATE);
            assertThat(kmip.validate(List.of(renewed))).isEqualTo(ValidityIndicator.VALID);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.4", "2.1"})
    void check_obtainLease_usageAllocation(String version) throws Exception {
        try (KmipClient kmip = client(version)) {
            KmipAttribute limits = KmipAttribute.of(TtlvItem.structure(Tag.USAGE_LIMITS,
                    TtlvItem.longInteger(Tag.USAGE_LIMITS_TOTAL, 10), TtlvItem.longInteger(Tag.USAGE_LIMITS_COUNT, 10),
                    TtlvItem.enumeration(Tag.USAGE_LIMITS_UNIT, 2)));
            String uid = kmip.create(SymmetricKeySpec.builder().algorithm(CryptographicAlgorithm.AES).length(128)
                    .attribute(limits).build());
            kmip.activate(uid);

            kmip.check(uid, 5L, CryptographicUsageMask.maskOf(CryptographicUsageMask.ENCRYPT), null);
            assertThatThrownBy(() -> kmip.check(uid, null, CryptographicUsageMask.maskOf(CryptographicUsageMask.SIGN), null))
                    .isInstanceOf(KmipClientException.class).hasMessageContaining("Check failed");

            kmip.getUsageAllocation(uid, 8);
            assertThatThrownBy(() -> kmip.check(uid, 5L, null, null)).isInstanceOf(KmipClientException.class)
                    .hasMessageContaining("exceeds the remaining 2");
            assertThatThrownBy(() -> kmip.getUsageAllocation(uid, 3)).isInstanceOf(KmipClientException.class);

            Lease lease = kmip.obtainLease(uid);
            assertThat(lease.leaseTime()).isPositive();
            assertThat(lease.lastChangeDate()).isNotNull();
        }
    }

    @Test
    void rngSeed_setAdjustAttribute_log() throws Exception {
        try (KmipClient kmip = client("2.1")) {
            assertThat(kmip.rngSeed(new byte[32])).isEqualTo(32);

            String uid = kmip.create(SymmetricKeySpec.aes(128));
            kmip.setAttribute(uid, new KmipAttribute("x-uses", 0, TtlvItem.integer(Tag.ATTRIBUTE_VALUE, 40)));
            kmip.adjustAttribute(uid, "x-uses", AdjustmentType.INCREMENT, 2L);
            assertThat(kmip.getAttributes(uid, "x-uses").get(0).value().intValue()).isEqualTo(42);
            kmip.adjustAttribute(uid, "x-uses", AdjustmentType.NEGATE, null);
            assertThat(kmip.getAttributes(uid, "x-uses").get(0).value().intValue()).isEqualTo(-42);
            kmip.setAttribute(uid, KmipAttributes.custom("x-owner", "ops"));
            assertThat(kmip.getAttributes(uid, "x-owner").get(0).value().textValue()).isEqualTo("ops");
            kmip.log("client operations test");
        }
        try (KmipClient old = client("1.4")) {
            assertThatThrownBy(() -> old.log("x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2.0");
        }
    }
    @ParameterizedTest
    @ValueSource(strings = {"1.4", "2.1"})
    void export_thenImportUnderAnotherIdentifier(String version) throws Exception {
        try (KmipClient kmip = client(version)) {
            String uid = kmip.create(SymmetricKeySpec.aes(256).withName("exported-" + version));
            ExportedObject exported = kmip.export(uid);
            assertThat(exported.uniqueIdentifier()).isEqualTo(uid);
            assertThat(exported.objectType()).isEqualTo(ObjectType.SYMMETRIC_KEY);
            assertThat(exported.attributes().stream().map(KmipAttribute::name)).contains("Name", "Cryptographic Length", "State");
            assertThat(KmipAttributes.names(exported.attributes())).containsExactly("exported-" + version);

            String copy = "imported-" + java.util.UUID.randomUUID();
            assertThat(kmip.importObject(exported.withUniqueIdentifier(copy), false)).isEqualTo(copy);
            assertThat(kmip.get(copy).value()).isEqualTo(kmip.get(uid).value());
            assertThatThrownBy(() -> kmip.importObject(exported.withUniqueIdentifier(copy), false))
                    .isInstanceOf(KmipClientException.class);
            assertThat(kmip.importObject(exported.withUniqueIdentifier(copy), true)).isEqualTo(copy);
        }
    }

    @Test
    void login_logout() throws Exception {
        try (KmipClient kmip = client("2.1")) {
            Ticket ticket = kmip.login(Duration.ofMinutes(5), 10);
            assertThat(ticket.value()).isNotEmpty();
            assertThat(ticket.toString()).doesNotContain(ticket.hex());
            kmip.logout(ticket);
            assertThatThrownBy(() -> kmip.logout(ticket)).isInstanceOf(KmipClientException.class)
                    .satisfies(e -> assertThat(((KmipClientException) e).resultReason()).isEqualTo(ResultReason.INVALID_TICKET));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.4", "2.1"})
    void asynchronousCreate_polledToItsResult_thenCancelIsCompleted(String version) throws Exception {
        try (KmipClient kmip = client(version)) {
            byte[] correlation = kmip.createAsynchronously(SymmetricKeySpec.aes(128));
            assertThat(correlation).isNotEmpty();
            java.util.Optional<TtlvItem> result = java.util.Optional.empty();
            for (int i = 0; i < 100 && result.isEmpty(); i++) {
                result = kmip.poll(correlation);
                if (result.isEmpty()) {
                    Thread.sleep(50);
                }
            }
            assertThat(result).isPresent();
            if (version.equals("2.1")) {
                List<AsynchronousRequest> kept = kmip.queryAsynchronousRequests();
                assertThat(kept).anySatisfy(a -> {
                    assertThat(a.correlationValue()).isEqualTo(correlation);
                    assertThat(a.operation()).isEqualTo(io.keyhold.protocol.spec.Operation.CREATE);
                    assertThat(a.stage()).isEqualTo(io.keyhold.protocol.spec.ProcessingStage.COMPLETED);
                    assertThat(a.submissionDate()).isBefore(java.time.Instant.now().plusSeconds(1));
                });
                TtlvItem constraints = kmip.getConstraints();
                assertThat(constraints.tag()).isEqualTo(Tag.CONSTRAINTS);
                assertThat(constraints.children()).isEmpty();
            }
            String uid = result.get().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            assertThat(kmip.get(uid).length()).isEqualTo(128);
            assertThat(kmip.cancel(correlation)).isEqualTo(io.keyhold.protocol.spec.CancellationResult.COMPLETED);
            assertThatThrownBy(() -> kmip.poll("no such request".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(KmipClientException.class);
        }
    }
}
