package io.keyhold.server.ops.keys;

import static io.keyhold.server.ops.keys.KeysFixture.algorithm;
import static io.keyhold.server.ops.keys.KeysFixture.length;
import static io.keyhold.server.ops.keys.KeysFixture.links;
import static io.keyhold.server.ops.keys.KeysFixture.mask;
import static io.keyhold.server.ops.keys.KeysFixture.material;
import static io.keyhold.server.ops.keys.KeysFixture.payload;
import static io.keyhold.server.ops.keys.KeysFixture.uidOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.DerivationMethod;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeriveKeyHandlerTest {
    private static final int DERIVE = CryptographicUsageMask.DERIVE_KEY.value();

    static Stream<KmipVersion> versions() {
        return Stream.of(KmipVersion.V1_0, KmipVersion.V1_4, KmipVersion.V2_0, KmipVersion.V2_1);
    }

    static TtlvItem uid(String id) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id);
    }

    static TtlvItem type(ObjectType t) {
        return TtlvItem.enumeration(Tag.OBJECT_TYPE, t.value());
    }

    static TtlvItem method(DerivationMethod m) {
        return TtlvItem.enumeration(Tag.DERIVATION_METHOD, m.value());
    }

    static TtlvItem pbkdf2Params(String salt, int iterations) {
        return TtlvItem.structure(Tag.DERIVATION_PARAMETERS,
                TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_1.value())),
                TtlvItem.bytes(Tag.SALT, salt.getBytes(StandardCharsets.US_ASCII)),
                TtlvItem.integer(Tag.ITERATION_COUNT, iterations));
    }

    /** Registers and activates a Secret Data holding the password, usage Derive Key. */
    static String password(KeysFixture f, String password, int usage) throws Exception {
        TtlvItem secret = TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, 1),
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 2),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, password.getBytes(StandardCharsets.US_ASCII)))));
        String id = uidOf(f.run(Operation.REGISTER, payload(type(ObjectType.SECRET_DATA), f.template(mask(usage)), secret)));
        f.run(Operation.ACTIVATE, payload(uid(id)));
        return id;
    }

    @ParameterizedTest
    @MethodSource("versions")
    void deriveKey_pbkdf2FromSecretData_givesTheRfc6070KeyWithLinks(KmipVersion version) throws Exception {
        KeysFixture f = new KeysFixture(version);
        String base = password(f, "password", DERIVE);
        String derived = uidOf(f.run(Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY), uid(base),
                method(DerivationMethod.PBKDF2), pbkdf2Params("salt", 4096),
                f.template(algorithm(CryptographicAlgorithm.HMAC_SHA1), length(160), mask(CryptographicUsageMask.MAC_GENERATE.value())))));
        assertThat(f.context().idPlaceholder()).contains(derived);
        StoredObject key = f.stored(derived);
        // RFC 6070 section 2: P = "password", S = "salt", c = 4096, dkLen = 20
        assertThat(HexFormat.of().formatHex(material(key))).isEqualTo("4b007901b765489abead49d926f721d065a429c1");
        assertThat(key.objectType()).isEqualTo(ObjectType.SYMMETRIC_KEY.value());
        assertThat(key.attribute("Cryptographic Algorithm").orElseThrow().value().enumValue()).isEqualTo(CryptographicAlgorithm.HMAC_SHA1.value());
        assertThat(key.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(160);
        assertThat(links(key, LinkType.DERIVATION_BASE_OBJECT_LINK)).containsExactly(base);
        assertThat(links(f.stored(base), LinkType.DERIVED_KEY_LINK)).containsExactly(derived);
    }

    @Test
    void deriveKey_hkdfIntoSecretData_isSecretDataOfTheLength() throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V2_1);
        String base = password(f, "input keying material", DERIVE);
        String derived = uidOf(f.run(Operation.DERIVE_KEY, payload(type(ObjectType.SECRET_DATA), uid(base),
                method(DerivationMethod.HKDF), TtlvItem.structure(Tag.DERIVATION_PARAMETERS,
                        TtlvItem.bytes(Tag.SALT, new byte[16]), TtlvItem.bytes(Tag.DERIVATION_DATA, new byte[] {1})),
                f.template(length(512)))));
        StoredObject s = f.stored(derived);
        assertThat(s.objectType()).isEqualTo(ObjectType.SECRET_DATA.value());
        assertThat(material(s)).hasSize(64);
    }

    @Test
    void deriveKey_fromSymmetricKeyWithSp800108_isDeterministic() throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V1_4);
        String base = f.createAes(KeysFixture.date(Tag.ACTIVATION_DATE, KeysFixture.T0));
        // createAes gives Encrypt|Decrypt only: derive usage is missing
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY),
                uid(base), method(DerivationMethod.NIST800_108_C), TtlvItem.structure(Tag.DERIVATION_PARAMETERS,
                        TtlvItem.bytes(Tag.DERIVATION_DATA, new byte[] {9})), f.template(algorithm(CryptographicAlgorithm.AES), length(128))));
        String kdk = password(f, "key-derivation-key-bytes", DERIVE);
        TtlvItem request = payload(type(ObjectType.SYMMETRIC_KEY), uid(kdk), method(DerivationMethod.NIST800_108_C),
                TtlvItem.structure(Tag.DERIVATION_PARAMETERS, TtlvItem.bytes(Tag.DERIVATION_DATA, new byte[] {9})),
                f.template(algorithm(CryptographicAlgorithm.AES), length(128)));
        byte[] a = material(f.stored(uidOf(f.run(Operation.DERIVE_KEY, request))));
        byte[] b = material(f.stored(uidOf(f.run(Operation.DERIVE_KEY, request))));
        assertThat(a).hasSize(16).isEqualTo(b);
        assertThat(links(f.stored(kdk), LinkType.DERIVED_KEY_LINK)).hasSize(2);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void deriveKey_failures_haveExactReasonsAndStoreNothing(KmipVersion version) throws Exception {
        KeysFixture f = new KeysFixture(version);
        String base = password(f, "password", DERIVE);
        TtlvItem template = f.template(algorithm(CryptographicAlgorithm.AES), length(128));
        int before = f.all().size();
        f.fails(version.isTwoOrLater() ? ResultReason.INVALID_OBJECT_TYPE : ResultReason.INVALID_FIELD, Operation.DERIVE_KEY,
                payload(type(ObjectType.PRIVATE_KEY), uid(base), method(DerivationMethod.PBKDF2), pbkdf2Params("s", 1), template));
        f.fails(ResultReason.MISSING_DATA, Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY), uid(base),
                method(DerivationMethod.PBKDF2), pbkdf2Params("s", 1), f.template(algorithm(CryptographicAlgorithm.AES))));
        f.fails(ResultReason.MISSING_DATA, Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY), uid(base),
                method(DerivationMethod.PBKDF2), pbkdf2Params("s", 1), f.template(length(128))));
        f.fails(ResultReason.MISSING_DATA, Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY), uid(base),
                method(DerivationMethod.PBKDF2), template));
        f.fails(ResultReason.INVALID_FIELD, Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY), uid(base),
                method(DerivationMethod.PBKDF2), pbkdf2Params("s", 0), template));
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY), uid(base),
                method(DerivationMethod.NIST800_108_DPI), pbkdf2Params("s", 1), template));
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY), uid(base),
                uid(base), method(DerivationMethod.PBKDF2), pbkdf2Params("s", 1), template));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY), uid("missing"),
                method(DerivationMethod.PBKDF2), pbkdf2Params("s", 1), template));
        String noDerive = password(f, "pw", CryptographicUsageMask.ENCRYPT.value());
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY),
                uid(noDerive), method(DerivationMethod.PBKDF2), pbkdf2Params("s", 1), template));
        TtlvItem secret = TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, 1),
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 2),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[] {1}))));
        String preActive = uidOf(f.run(Operation.REGISTER, payload(type(ObjectType.SECRET_DATA), f.template(mask(DERIVE)), secret)));
        f.fails(ResultReason.WRONG_KEY_LIFECYCLE_STATE, Operation.DERIVE_KEY, payload(type(ObjectType.SYMMETRIC_KEY),
                uid(preActive), method(DerivationMethod.PBKDF2), pbkdf2Params("s", 1), template));
        assertThat(f.all()).hasSize(before + 2);
        assertThat(f.stored(base).attributes("Link")).isEmpty();
    }
}
