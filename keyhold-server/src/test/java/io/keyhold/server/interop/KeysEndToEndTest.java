package io.keyhold.server.interop;

import static io.keyhold.server.testing.Payloads.algorithm;
import static io.keyhold.server.testing.Payloads.attributes;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.length;
import static io.keyhold.server.testing.Payloads.name;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static io.keyhold.server.testing.Payloads.usageMask;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.DerivationMethod;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The key operations over real mutual TLS: Create Key Pair (RSA-2048, EC P-256 at 1.4 and 2.1; Ed25519 at
 * 2.1, where its Cryptographic Algorithm value exists), Get of both halves checked by the JDK and by
 * OpenSSL, Re-key at 1.2 and Derive Key (PBKDF2 from a Secret Data) at 2.1.
 */
class KeysEndToEndTest {
    private static final KmipVersion V12 = KmipVersion.V1_2;
    private static final KmipVersion V14 = KmipVersion.V1_4;
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final int SIGN = CryptographicUsageMask.SIGN.value();
    private static final int VERIFY = CryptographicUsageMask.VERIFY.value();
    private static LiveServer server;
    private KmipTestClient c;

    @BeforeAll
    static void start() throws Exception {
        server = LiveServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() throws Exception {
        c = server.client("client1");
    }

    @AfterEach
    void disconnect() throws Exception {
        c.close();
    }

    private static TtlvItem keyAttributes(KmipVersion v, int tag1x, int tag2x, List<KmipAttribute> a) {
        return v.isTwoOrLater() ? AttributeMapping.toAttributes(tag2x, a) : AttributeMapping.toTemplateAttribute(tag1x, a);
    }

    private static TtlvItem createKeyPair(KmipVersion v, List<KmipAttribute> common, String label) {
        return payload(keyAttributes(v, Tag.COMMON_TEMPLATE_ATTRIBUTE, Tag.COMMON_ATTRIBUTES, common),
                keyAttributes(v, Tag.PRIVATE_KEY_TEMPLATE_ATTRIBUTE, Tag.PRIVATE_KEY_ATTRIBUTES,
                        List.of(name(label + "-private"), usageMask(SIGN))),
                keyAttributes(v, Tag.PUBLIC_KEY_TEMPLATE_ATTRIBUTE, Tag.PUBLIC_KEY_ATTRIBUTES,
                        List.of(name(label + "-public"), usageMask(VERIFY))));
    }

    private static KmipAttribute curveP256() {
        return KmipAttribute.of(TtlvItem.structure(Tag.CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
                TtlvItem.enumeration(Tag.RECOMMENDED_CURVE, io.keyhold.protocol.spec.RecommendedCurve.P_256.value())));
    }

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of(V14, "RSA", List.of(algorithm(CryptographicAlgorithm.RSA), length(2048))),
                Arguments.of(V14, "EC", List.of(algorithm(CryptographicAlgorithm.ECDSA), curveP256())),
                Arguments.of(V21, "RSA", List.of(algorithm(CryptographicAlgorithm.RSA), length(2048))),
                Arguments.of(V21, "EC", List.of(algorithm(CryptographicAlgorithm.EC), length(256))),
                Arguments.of(V21, "Ed25519", List.of(algorithm(CryptographicAlgorithm.ED25519))));
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void createKeyPair_thenGetBothHalves_givesPkcs8AndSpkiThatJdkAndOpensslAccept(KmipVersion v, String jca,
            List<KmipAttribute> common) throws Exception {
        TtlvItem created = c.ok(v, Operation.CREATE_KEY_PAIR, createKeyPair(v, common, "e2e-" + jca + "-" + v));
        assertThat(created.children()).extracting(TtlvItem::tag)
                .containsExactly(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER);
        String privateId = created.children().get(0).textValue();
        String publicId = created.children().get(1).textValue();

        // RSA pairs are kept in PKCS#1, the others in PKCS#8 and X.509; Get converts when asked
        boolean rsa = jca.equals("RSA");
        assertThat(keyMaterial(c.ok(v, Operation.GET, withUid(privateId)), ObjectType.PRIVATE_KEY, Tag.PRIVATE_KEY,
                rsa ? KeyFormatType.PKCS_1 : KeyFormatType.PKCS_8)).isNotEmpty();
        byte[] pkcs8 = keyMaterial(c.ok(v, Operation.GET, getIn(privateId, KeyFormatType.PKCS_8)), ObjectType.PRIVATE_KEY,
                Tag.PRIVATE_KEY, KeyFormatType.PKCS_8);
        byte[] spki = keyMaterial(c.ok(v, Operation.GET, getIn(publicId, KeyFormatType.X_509)), ObjectType.PUBLIC_KEY,
                Tag.PUBLIC_KEY, KeyFormatType.X_509);
        KeyFactory kf = KeyFactory.getInstance(jca);
        PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(spki));
        String sigAlg = jca.equals("RSA") ? "SHA256withRSA" : jca.equals("EC") ? "SHA256withECDSA" : jca;
        Signature s = Signature.getInstance(sigAlg);
        s.initSign(priv);
        s.update(new byte[] {42});
        byte[] signature = s.sign();
        Signature verify = Signature.getInstance(sigAlg);
        verify.initVerify(pub);
        verify.update(new byte[] {42});
        assertThat(verify.verify(signature)).isTrue();

        TtlvItem links = c.ok(v, Operation.GET_ATTRIBUTES, io.keyhold.server.testing.Payloads.getAttributes(v, privateId, "Link"));
        assertThat(links.toString()).contains(publicId);

        if (Files.isExecutable(OPENSSL)) {
            Path dir = Files.createTempDirectory("keyhold-keys-e2e");
            Path privateDer = Files.write(dir.resolve("private.der"), pkcs8);
            Path publicDer = Files.write(dir.resolve("public.der"), spki);
            Result check = openssl("pkey", "-inform", "DER", "-in", privateDer.toString(), "-noout", "-check");
            assertThat(check.exit()).as(check.output()).isZero();
            Result pubOut = openssl("pkey", "-pubin", "-inform", "DER", "-in", publicDer.toString(), "-outform", "DER");
            assertThat(pubOut.exit()).as(pubOut.output()).isZero();
            Result derivedPub = openssl("pkey", "-inform", "DER", "-in", privateDer.toString(), "-pubout", "-outform", "DER");
            assertThat(derivedPub.exit()).isZero();
            assertThat(derivedPub.bytes()).as("the public key OpenSSL derives from the private key").isEqualTo(spki);
        }
    }

    @Test
    void createKeyPair_ed25519In14_isInvalidField() throws Exception {
        ResponseBatchItem item = c.call(V14, Operation.CREATE_KEY_PAIR,
                createKeyPair(V14, List.of(algorithm(CryptographicAlgorithm.ED25519)), "ed-14"));
        assertThat(item.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
        assertThat(item.resultReason()).isEqualTo(ResultReason.INVALID_FIELD.value());
    }

    @Test
    void reKey_at12_replacesTheKeyAndLinksBothWays() throws Exception {
        String old = c.ok(V12, Operation.CREATE, createAes(V12, 256, name("rekey-e2e-12")))
                .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        TtlvItem response = c.ok(V12, Operation.RE_KEY, payload(uid(old), TtlvItem.interval(Tag.OFFSET, 3600)));
        String replacement = response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        assertThat(replacement).isNotEqualTo(old);
        byte[] oldKey = keyMaterial(c.ok(V12, Operation.GET, withUid(old)), ObjectType.SYMMETRIC_KEY, Tag.SYMMETRIC_KEY, KeyFormatType.RAW);
        byte[] newKey = keyMaterial(c.ok(V12, Operation.GET, withUid(replacement)), ObjectType.SYMMETRIC_KEY, Tag.SYMMETRIC_KEY,
                KeyFormatType.RAW);
        assertThat(newKey).hasSize(32).isNotEqualTo(oldKey);
        TtlvItem oldLinks = c.ok(V12, Operation.GET_ATTRIBUTES, io.keyhold.server.testing.Payloads.getAttributes(V12, old, "Link", "Name"));
        assertThat(oldLinks.toString()).contains(replacement).doesNotContain("rekey-e2e-12");
        TtlvItem newAttributes = c.ok(V12, Operation.GET_ATTRIBUTES,
                io.keyhold.server.testing.Payloads.getAttributes(V12, replacement, "Link", "Name"));
        assertThat(newAttributes.toString()).contains(old).contains("rekey-e2e-12");
        ResponseBatchItem missing = c.call(V12, Operation.RE_KEY, payload(uid("6c1b8f5e-0000-4000-8000-000000000000")));
        assertThat(missing.resultReason()).isEqualTo(ResultReason.ITEM_NOT_FOUND.value());
    }

    @Test
    void deriveKey_pbkdf2FromSecretDataAt21_givesTheRfc6070Key() throws Exception {
        TtlvItem secret = TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, SecretDataType.PASSWORD.value()),
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.OPAQUE.value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, "password".getBytes(StandardCharsets.US_ASCII)))));
        String base = c.ok(V21, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SECRET_DATA.value()),
                attributes(V21, List.of(usageMask(CryptographicUsageMask.DERIVE_KEY.value()))), secret))
                .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        c.ok(V21, Operation.ACTIVATE, withUid(base));
        TtlvItem derive = payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), uid(base),
                TtlvItem.enumeration(Tag.DERIVATION_METHOD, DerivationMethod.PBKDF2.value()),
                TtlvItem.structure(Tag.DERIVATION_PARAMETERS,
                        TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_1.value())),
                        TtlvItem.bytes(Tag.SALT, "salt".getBytes(StandardCharsets.US_ASCII)),
                        TtlvItem.integer(Tag.ITERATION_COUNT, 4096)),
                attributes(V21, List.of(algorithm(CryptographicAlgorithm.HMAC_SHA1), length(160),
                        usageMask(CryptographicUsageMask.MAC_GENERATE.value()))));
        String derived = c.ok(V21, Operation.DERIVE_KEY, derive).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        byte[] key = keyMaterial(c.ok(V21, Operation.GET, withUid(derived)), ObjectType.SYMMETRIC_KEY, Tag.SYMMETRIC_KEY,
                KeyFormatType.RAW);
        // RFC 6070 section 2: P = "password", S = "salt", c = 4096, dkLen = 20
        assertThat(HexFormat.of().formatHex(key)).isEqualTo("4b007901b765489abead49d926f721d065a429c1");
        TtlvItem links = c.ok(V21, Operation.GET_ATTRIBUTES, io.keyhold.server.testing.Payloads.getAttributes(V21, derived, "Link"));
        assertThat(links.toString()).contains(base);

        try (KmipTestClient other = server.client("client2")) {
            ResponseBatchItem item = other.call(V21, Operation.DERIVE_KEY, derive);
            assertThat(item.resultReason()).isEqualTo(ResultReason.OBJECT_NOT_FOUND.value());
        }
    }

    private static TtlvItem getIn(String id, KeyFormatType format) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id),
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()));
    }

    private static byte[] keyMaterial(TtlvItem get, ObjectType type, int tag, KeyFormatType format) {
        assertThat(get.child(Tag.OBJECT_TYPE).orElseThrow().enumValue()).isEqualTo(type.value());
        TtlvItem block = get.child(tag).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow();
        assertThat(block.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(format.value());
        return block.child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
    }

    private record Result(int exit, byte[] bytes, String output) {}

    private static Result openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(OPENSSL.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }
}
