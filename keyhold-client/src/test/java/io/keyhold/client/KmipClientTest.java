package io.keyhold.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a real Keyhold server over mutual TLS, in KMIP 1.4 and 2.1. */
class KmipClientTest {
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

    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.4", "2.1"})
    void createGetLocateActivateRevokeDestroy(String version) throws Exception {
        try (KmipClient kmip = client(version)) {
            String name = "orders-" + UUID.randomUUID();
            String uid = kmip.create(SymmetricKeySpec.aes(256).withName(name));

            ManagedObject key = kmip.get(uid);
            assertThat(key.uniqueIdentifier()).isEqualTo(uid);
            assertThat(key.objectType()).isEqualTo(ObjectType.SYMMETRIC_KEY);
            assertThat(key.algorithm()).isEqualTo(CryptographicAlgorithm.AES);
            assertThat(key.length()).isEqualTo(256);
            assertThat(key.value()).hasSize(32);

            assertThat(kmip.locate(LocateQuery.byName(name))).containsExactly(uid);
            assertThat(kmip.locate(LocateQuery.builder().name(name).state(State.ACTIVE).build())).isEmpty();

            kmip.activate(uid);
            List<KmipAttribute> state = kmip.getAttributes(uid, "State");
            assertThat(state).singleElement().satisfies(a -> {
                assertThat(a.name()).isEqualTo("State");
                assertThat(a.value().enumValue()).isEqualTo(State.ACTIVE.value());
            });
            assertThat(KmipAttributes.names(kmip.getAttributes(uid))).containsExactly(name);
            assertThat(kmip.locate(LocateQuery.builder().name(name).state(State.ACTIVE).objectType(ObjectType.SYMMETRIC_KEY)
                    .build())).containsExactly(uid);

            kmip.revoke(uid, RevocationReasonCode.CESSATION_OF_OPERATION, "retired");
            assertThat(kmip.getAttributes(uid, "State").get(0).value().enumValue()).isEqualTo(State.DEACTIVATED.value());
            kmip.destroy(uid);
            assertThatThrownBy(() -> kmip.get(uid)).isInstanceOf(KmipClientException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.4", "2.1"})
    void attributes_addModifyDelete(String version) throws Exception {
        try (KmipClient kmip = client(version)) {
            String uid = kmip.create(SymmetricKeySpec.builder().algorithm(CryptographicAlgorithm.AES).length(128)
                    .attribute(KmipAttributes.objectGroup("payments")).build());
            kmip.addAttribute(uid, KmipAttributes.custom("x-owner", "team-a"));
            assertThat(kmip.getAttributeList(uid)).contains("x-owner", "Object Group", "Cryptographic Algorithm");
            assertThat(kmip.getAttributes(uid, "x-owner")).singleElement()
                    .satisfies(a -> assertThat(a.value().textValue()).isEqualTo("team-a"));

            kmip.modifyAttribute(uid, KmipAttributes.custom("x-owner", "team-b"));
            assertThat(kmip.getAttributes(uid, "x-owner").get(0).value().textValue()).isEqualTo("team-b");

            kmip.addAttribute(uid, KmipAttributes.name("second-" + UUID.randomUUID()));
            kmip.deleteAttribute(uid, "x-owner");
            assertThat(kmip.getAttributeList(uid)).doesNotContain("x-owner");
            assertThat(kmip.locate(LocateQuery.builder().objectGroup("payments").build())).contains(uid);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.4", "2.1"})
    void encryptDecrypt_aesGcm(String version) throws Exception {
        try (KmipClient kmip = client(version)) {
            String uid = kmip.create(SymmetricKeySpec.aes(256));
            kmip.activate(uid);
            byte[] plain = "attack at dawn".getBytes(StandardCharsets.US_ASCII);
            byte[] nonce = HexFormat.of().parseHex("000102030405060708090a0b");
            byte[] aad = {1, 2, 3};

            EncryptResult sealed = kmip.encrypt(uid, plain, CryptoParameters.aesGcm(), nonce, aad);
            assertThat(sealed.data()).hasSize(plain.length).isNotEqualTo(plain);
            assertThat(sealed.tag()).hasSize(16);
            assertThat(kmip.decrypt(uid, sealed.data(), CryptoParameters.aesGcm(), nonce, aad, sealed.tag())).isEqualTo(plain);

            byte[] badTag = sealed.tag();
            badTag[0] ^= 1;
            assertThatThrownBy(() -> kmip.decrypt(uid, sealed.data(), CryptoParameters.aesGcm(), nonce, aad, badTag))
                    .isInstanceOfSatisfying(KmipClientException.class,
                            e -> assertThat(e.resultReason()).isEqualTo(ResultReason.CRYPTOGRAPHIC_FAILURE));

            // the server picks the IV when none is given
            EncryptResult cbc = kmip.encrypt(uid, plain, CryptoParameters.aesCbcPkcs5());
            assertThat(cbc.iv()).hasSize(16);
            assertThat(kmip.decrypt(uid, cbc.data(), CryptoParameters.aesCbcPkcs5(), cbc.iv())).isEqualTo(plain);
        }
    }

    @Test
    void signVerify_ecAndRsa() throws Exception {
        try (KmipClient kmip = client("2.1")) {
            byte[] data = "pay 100 to bob".getBytes(StandardCharsets.US_ASCII);
            KeyPair ec = kmip.createKeyPair(KeyPairSpec.ecP256());
            kmip.activate(ec.privateKeyId());
            kmip.activate(ec.publicKeyId());
            CryptoParameters ecdsa = CryptoParameters.hashing(HashingAlgorithm.SHA_256).withAlgorithm(CryptographicAlgorithm.ECDSA);
            byte[] signature = kmip.sign(ec.privateKeyId(), data, ecdsa);
            assertThat(kmip.verify(ec.publicKeyId(), data, signature, ecdsa)).isTrue();
            assertThat(kmip.verify(ec.publicKeyId(), "pay 900 to bob".getBytes(StandardCharsets.US_ASCII), signature, ecdsa))
                    .isFalse();

            KeyPair rsa = kmip.createKeyPair(KeyPairSpec.rsa(2048));
            kmip.activate(rsa.privateKeyId());
            kmip.activate(rsa.publicKeyId());
            CryptoParameters pkcs1 = CryptoParameters.hashing(HashingAlgorithm.SHA_256).withAlgorithm(CryptographicAlgorithm.RSA)
                    .withPadding(io.keyhold.protocol.spec.PaddingMethod.PKCS1_V1_5);
            byte[] rsaSignature = kmip.sign(rsa.privateKeyId(), data, pkcs1);
            assertThat(rsaSignature).hasSize(256);
            assertThat(kmip.verify(rsa.publicKeyId(), data, rsaSignature, pkcs1)).isTrue();

            ManagedObject publicKey = kmip.get(ec.publicKeyId(), io.keyhold.protocol.spec.KeyFormatType.X_509);
            assertThat(publicKey.keyFormatType()).isEqualTo(io.keyhold.protocol.spec.KeyFormatType.X_509);
            java.security.PublicKey jca = java.security.KeyFactory.getInstance("EC")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(publicKey.value()));
            java.security.Signature check = java.security.Signature.getInstance("SHA256withECDSA");
            check.initVerify(jca);
            check.update(data);
            assertThat(check.verify(signature)).isTrue();

            KeyPair replaced = kmip.reKeyKeyPair(ec.privateKeyId());
            assertThat(replaced.privateKeyId()).isNotEqualTo(ec.privateKeyId());
            assertThat(kmip.get(replaced.publicKeyId()).objectType()).isEqualTo(ObjectType.PUBLIC_KEY);
        }
    }

    @Test
    void errors_carryTheServersResultReason() throws Exception {
        try (KmipClient one = client("1.4"); KmipClient two = client("2.1")) {
            assertThatThrownBy(() -> one.get("no-such-object"))
                    .isInstanceOfSatisfying(KmipClientException.class, e -> {
                        assertThat(e.resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND);
                        assertThat(e.reason()).isEqualTo(ResultReason.ITEM_NOT_FOUND);
                        assertThat(e.operation()).contains(Operation.GET);
                        assertThat(e.resultMessage()).isPresent();
                        assertThat(e.getMessage()).startsWith("Get failed: Item Not Found");
                    });
            assertThatThrownBy(() -> two.destroy("no-such-object"))
                    .isInstanceOfSatisfying(KmipClientException.class,
                            e -> assertThat(e.resultReason()).isEqualTo(ResultReason.OBJECT_NOT_FOUND));
        }
    }

    @Test
    void register_getBack_reKey() throws Exception {
        try (KmipClient kmip = client("2.1")) {
            byte[] key = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
            String uid = kmip.registerSymmetricKey(CryptographicAlgorithm.AES, key,
                    List.of(KmipAttributes.usageMask(CryptographicUsageMask.ENCRYPT, CryptographicUsageMask.DECRYPT)));
            assertThat(kmip.get(uid).value()).isEqualTo(key);
            assertThat(kmip.get(uid).length()).isEqualTo(128);

            String secret = kmip.registerSecretData(SecretDataType.PASSWORD, "s3cret".getBytes(StandardCharsets.UTF_8),
                    List.of(KmipAttributes.usageMask(CryptographicUsageMask.DERIVE_KEY)));
            ManagedObject s = kmip.get(secret);
            assertThat(s.objectType()).isEqualTo(ObjectType.SECRET_DATA);
            assertThat(new String(s.value(), StandardCharsets.UTF_8)).isEqualTo("s3cret");

            String opaque = kmip.registerOpaque(new byte[] {9, 8, 7}, List.of());
            assertThat(kmip.get(opaque).value()).containsExactly(9, 8, 7);

            byte[] der = Pem.certificates(dir.resolve("ca.pem")).get(0).getEncoded();
            String cert = kmip.registerCertificate(der, List.of());
            assertThat(kmip.get(cert).objectType()).isEqualTo(ObjectType.CERTIFICATE);
            assertThat(kmip.get(cert).value()).isEqualTo(der);

            String replacement = kmip.reKey(uid);
            assertThat(replacement).isNotEqualTo(uid);
            assertThat(kmip.get(replacement).length()).isEqualTo(128);
        }
    }

    @Test
    void serverOperations_queryRngHashPing() throws Exception {
        try (KmipClient kmip = client("2.1")) {
            QueryResult q = kmip.query(QueryFunction.QUERY_OPERATIONS, QueryFunction.QUERY_OBJECTS,
                    QueryFunction.QUERY_SERVER_INFORMATION);
            assertThat(q.operations()).contains(Operation.CREATE, Operation.GET, Operation.LOCATE);
            assertThat(q.objectTypes()).contains(ObjectType.SYMMETRIC_KEY);
            assertThat(q.vendorIdentification()).isNotBlank();
            assertThat(q.serverInformationText(Tag.SERVER_NAME)).contains("Keyhold");

            assertThat(kmip.rngRetrieve(32)).hasSize(32);
            byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
            assertThat(kmip.hash(HashingAlgorithm.SHA_256, abc)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(abc));
            kmip.ping();
            assertThat(kmip.discoverVersions()).contains(KmipVersion.V2_1, KmipVersion.V1_4, KmipVersion.V1_0);
        }
    }

    @Test
    void mac_andMacVerify() throws Exception {
        try (KmipClient kmip = client("2.1")) {
            String uid = kmip.create(SymmetricKeySpec.builder().algorithm(CryptographicAlgorithm.HMAC_SHA256).length(256)
                    .usage(CryptographicUsageMask.MAC_GENERATE, CryptographicUsageMask.MAC_VERIFY).build());
            kmip.activate(uid);
            byte[] data = "message".getBytes(StandardCharsets.US_ASCII);
            CryptoParameters hmac = CryptoParameters.none().withAlgorithm(CryptographicAlgorithm.HMAC_SHA256);
            byte[] mac = kmip.mac(uid, data, hmac);
            assertThat(mac).hasSize(32);
            assertThat(kmip.macVerify(uid, data, mac, hmac)).isTrue();
            mac[0] ^= 1;
            assertThat(kmip.macVerify(uid, data, mac, hmac)).isFalse();
        }
    }

    @Test
    void negotiation_picksTheServersHighestVersion() throws Exception {
        try (KmipClient kmip = KmipClient.builder().servers(server.address()).tls(tls).negotiateVersion().build()) {
            assertThat(kmip.version()).isEqualTo(KmipVersion.V2_1);
            assertThat(kmip.create(SymmetricKeySpec.aes(128))).isNotBlank();
        }
    }

    @Test
    void failover_deadFirstServer_secondAnswers_andFirstIsPassedOver() throws Exception {
        int dead = deadPort();
        try (KmipClient kmip = KmipClient.builder().servers("127.0.0.1:" + dead, server.address()).tls(tls)
                .version(KmipVersion.V2_1).downBackoff(Duration.ofMinutes(1)).build()) {
            // Create changes the server, yet is sent on: nothing reached the dead server
            String uid = kmip.create(SymmetricKeySpec.aes(128));
            assertThat(kmip.get(uid).uniqueIdentifier()).isEqualTo(uid);
            assertThat(kmip.servers()).extracting(ServerAddress::port).containsExactly(dead, server.port());
        }
    }

    @Test
    void noServerReachable_transportFailureNamingEachServer() throws Exception {
        int a = deadPort();
        int b = deadPort();
        try (KmipClient kmip = KmipClient.builder().servers("127.0.0.1:" + a, "127.0.0.1:" + b).tls(tls)
                .version(KmipVersion.V2_1).build()) {
            assertThatThrownBy(() -> kmip.create(SymmetricKeySpec.aes(128)))
                    .isInstanceOfSatisfying(KmipTransportException.class, e -> {
                        assertThat(e.mayHaveExecuted()).isFalse();
                        assertThat(e.getMessage()).contains("no server could be reached", ":" + a, ":" + b);
                    });
        }
    }

    @Test
    void idleConnectionClosedByServer_isReplacedBeforeUse() throws Exception {
        try (KeyholdTestServer idle = KeyholdTestServer.start(dir.resolve("idle"),
                c -> new io.keyhold.server.config.ServerConfig(c.kmip(), c.tls(), c.storage(),
                        c.limits().withIdleTimeout(Duration.ofMillis(300)), c.logging(), c.crypto(), c.masterKey(),
                        c.access(), c.audit()));
             KmipClient kmip = KmipClient.builder().servers(idle.address()).tls(ClientTls.fromDirectory(dir.resolve("idle")))
                     .version(KmipVersion.V2_1).retries(0)
                     .build()) {
            String uid = kmip.create(SymmetricKeySpec.aes(128));
            Thread.sleep(1_500);
            // the pooled connection is gone; even a Create, which is never sent twice, goes through
            assertThat(kmip.create(SymmetricKeySpec.aes(128))).isNotEqualTo(uid);
        }
    }

    @Test
    void concurrentCalls_shareThePool() throws Exception {
        try (KmipClient kmip = KmipClient.builder().servers(server.address()).tls(tls).version(KmipVersion.V2_1)
                .maxConnectionsPerServer(2).build()) {
            String uid = kmip.create(SymmetricKeySpec.aes(128));
            List<Thread> threads = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < 6; t++) {
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 10; i++) {
                        try {
                            if (kmip.get(uid).uniqueIdentifier().equals(uid)) {
                                ok.incrementAndGet();
                            }
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(30_000);
            }
            assertThat(ok.get()).isEqualTo(60);
        }
    }
}
