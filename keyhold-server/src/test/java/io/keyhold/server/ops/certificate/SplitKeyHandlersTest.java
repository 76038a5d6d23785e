package io.keyhold.server.ops.certificate;

import static io.keyhold.server.ops.certificate.CertFixture.links;
import static io.keyhold.server.ops.certificate.CertFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.SplitKeyMethod;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.store.StoredObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Create Split Key and Join Split Key through their handlers. */
class SplitKeyHandlersTest {
    private static final byte[] KEY = HexFormat.of().parseHex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");

    static List<KmipVersion> versions() {
        return List.of(KmipVersion.V1_4, KmipVersion.V2_1);
    }

    private static TtlvItem type(ObjectType t) {
        return TtlvItem.enumeration(Tag.OBJECT_TYPE, t.value());
    }

    private static TtlvItem uid(String u) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, u);
    }

    private static TtlvItem split(int parts, int threshold, SplitKeyMethod method) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.integer(Tag.SPLIT_KEY_PARTS, parts),
                TtlvItem.integer(Tag.SPLIT_KEY_THRESHOLD, threshold), TtlvItem.enumeration(Tag.SPLIT_KEY_METHOD, method.value()));
    }

    private static TtlvItem createSplit(TtlvItem... fields) {
        List<TtlvItem> all = new ArrayList<>();
        for (TtlvItem f : fields) {
            if (f.tag() == Tag.REQUEST_PAYLOAD) {
                all.addAll(f.children());
            } else {
                all.add(f);
            }
        }
        return payload(all);
    }

    private static String registerAes(CertFixture f) throws Exception {
        TtlvItem key = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, KEY)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)));
        return f.runUid(Operation.REGISTER, payload(type(ObjectType.SYMMETRIC_KEY), f.attributes(), key));
    }

    private static List<String> uids(TtlvItem response) {
        return response.childrenWith(Tag.UNIQUE_IDENTIFIER).stream().map(TtlvItem::textValue).toList();
    }

    private static byte[] material(StoredObject o) {
        return o.object().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow()
                .child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
    }

    private static TtlvItem join(CertFixture f, List<String> parts) {
        List<TtlvItem> fields = new ArrayList<>();
        fields.add(type(ObjectType.SYMMETRIC_KEY));
        for (String p : parts) {
            fields.add(uid(p));
        }
        fields.add(f.attributes(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, 12)));
        return payload(fields);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void createSplitKey_existingKey3of5Gf256_everyThreeJoinToTheKey(KmipVersion version) throws Exception {
        CertFixture f = new CertFixture(version);
        String base = registerAes(f);
        List<String> parts = uids(f.run(Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY), uid(base),
                split(5, 3, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8), f.attributes())));
        assertThat(parts).hasSize(5).doesNotHaveDuplicates();
        for (int i = 0; i < 5; i++) {
            StoredObject p = f.stored(parts.get(i));
            assertThat(p.objectType()).isEqualTo(ObjectType.SPLIT_KEY.value());
            TtlvItem o = p.object();
            assertThat(o.child(Tag.KEY_PART_IDENTIFIER).orElseThrow().intValue()).isEqualTo(i + 1);
            assertThat(o.child(Tag.SPLIT_KEY_PARTS).orElseThrow().intValue()).isEqualTo(5);
            assertThat(o.child(Tag.SPLIT_KEY_THRESHOLD).orElseThrow().intValue()).isEqualTo(3);
            assertThat(material(p)).hasSize(32).isNotEqualTo(KEY);
            assertThat(links(p, LinkType.PARENT_LINK)).containsExactly(base);
            assertThat(links(p, LinkType.PREVIOUS_LINK)).isEqualTo(i == 0 ? List.of() : List.of(parts.get(i - 1)));
            assertThat(links(p, LinkType.NEXT_LINK)).isEqualTo(i == 4 ? List.of() : List.of(parts.get(i + 1)));
        }
        assertThat(links(f.stored(base), LinkType.CHILD_LINK)).containsExactlyElementsOf(parts);
        int joined = 0;
        for (int a = 0; a < 5; a++) {
            for (int b = a + 1; b < 5; b++) {
                for (int c = b + 1; c < 5; c++) {
                    String key = f.runUid(Operation.JOIN_SPLIT_KEY, join(f, List.of(parts.get(b), parts.get(c), parts.get(a))));
                    StoredObject k = f.stored(key);
                    assertThat(material(k)).isEqualTo(KEY);
                    assertThat(k.attribute("Cryptographic Algorithm").orElseThrow().value().enumValue())
                            .isEqualTo(CryptographicAlgorithm.AES.value());
                    assertThat(k.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(256);
                    assertThat(k.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(12);
                    joined++;
                }
            }
        }
        assertThat(joined).isEqualTo(10);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void joinSplitKey_fewerThanThreshold_isMissingData(KmipVersion version) throws Exception {
        CertFixture f = new CertFixture(version);
        List<String> parts = uids(f.run(Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY), uid(registerAes(f)),
                split(5, 3, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8))));
        int before = f.objectsOf("client1").size();
        var e = f.fails(ResultReason.MISSING_DATA, Operation.JOIN_SPLIT_KEY, join(f, parts.subList(0, 2)));
        assertThat(e.getMessage()).isEqualTo("3 parts are needed to join this Split Key, 2 given");
        assertThat(f.objectsOf("client1")).hasSize(before);
    }

    @Test
    void xor_needsEveryPart_andThresholdMustEqualParts() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        String base = registerAes(f);
        List<String> parts = uids(f.run(Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY), uid(base),
                split(3, 3, SplitKeyMethod.XOR))));
        assertThat(material(f.stored(f.runUid(Operation.JOIN_SPLIT_KEY, join(f, parts))))).isEqualTo(KEY);
        f.fails(ResultReason.MISSING_DATA, Operation.JOIN_SPLIT_KEY, join(f, parts.subList(1, 3)));
        var e = f.fails(ResultReason.INVALID_FIELD, Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY),
                uid(base), split(3, 2, SplitKeyMethod.XOR)));
        assertThat(e.getMessage()).contains("XOR method needs every part");
    }

    @Test
    void primeField_splitsAndJoins() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        BigInteger p521 = BigInteger.ONE.shiftLeft(521).subtract(BigInteger.ONE);
        List<String> parts = uids(f.run(Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY),
                uid(registerAes(f)), split(4, 2, SplitKeyMethod.POLYNOMIAL_SHARING_PRIME_FIELD),
                TtlvItem.bigInteger(Tag.PRIME_FIELD_SIZE, p521))));
        assertThat(f.stored(parts.get(0)).object().child(Tag.PRIME_FIELD_SIZE).orElseThrow().bigIntegerValue()).isEqualTo(p521);
        assertThat(material(f.stored(f.runUid(Operation.JOIN_SPLIT_KEY, join(f, List.of(parts.get(3), parts.get(1)))))))
                .isEqualTo(KEY);
        f.fails(ResultReason.INVALID_FIELD, Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY),
                split(4, 2, SplitKeyMethod.POLYNOMIAL_SHARING_PRIME_FIELD), f.attributes(
                        TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                        TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)),
                TtlvItem.bigInteger(Tag.PRIME_FIELD_SIZE, BigInteger.valueOf(65537))));
    }

    @Test
    void createSplitKey_freshKey_joinsToAKeyOfTheRequestedAlgorithm() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        List<String> parts = uids(f.run(Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY),
                split(3, 2, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8), f.attributes(
                        TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                        TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 128)))));
        assertThat(links(f.stored(parts.get(0)), LinkType.PARENT_LINK)).isEmpty();
        byte[] one = material(f.stored(f.runUid(Operation.JOIN_SPLIT_KEY, join(f, parts.subList(0, 2)))));
        byte[] two = material(f.stored(f.runUid(Operation.JOIN_SPLIT_KEY, join(f, parts.subList(1, 3)))));
        assertThat(one).hasSize(16).isEqualTo(two);
        f.fails(ResultReason.MISSING_DATA, Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY),
                split(3, 2, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8)));
    }

    @Test
    void createSplitKey_partsCarryTheServersGenerator_theJoinedKeyDoesNot() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        for (io.keyhold.server.ops.OperationHandler h : CertificateOperations.handlers(ServerRandom.get())) {
            f.handlers.put(h.operation(), h);
        }
        List<String> parts = uids(f.run(Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY),
                uid(registerAes(f)), split(3, 2, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8), f.attributes())));
        for (String part : parts) {
            assertThat(f.stored(part).attribute("Random Number Generator").orElseThrow().value())
                    .isEqualTo(ServerRandom.attribute(ServerRandom.parameters().orElseThrow()));
        }
        StoredObject joined = f.stored(f.runUid(Operation.JOIN_SPLIT_KEY, join(f, parts.subList(0, 2))));
        assertThat(joined.attribute("Random Number Generator")).isEmpty();
    }

    @Test
    void secretData_splitsAndJoinsAsSecretData() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        TtlvItem secret = TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, SecretDataType.SEED.value()),
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 2),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[] {1, 2, 3, 4, 5}))));
        String base = f.runUid(Operation.REGISTER, payload(type(ObjectType.SECRET_DATA), f.attributes(), secret));
        List<String> parts = uids(f.run(Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SECRET_DATA), uid(base),
                split(2, 2, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8))));
        f.fails(ResultReason.MISSING_DATA, Operation.JOIN_SPLIT_KEY, payload(type(ObjectType.SECRET_DATA), uid(parts.get(0)),
                uid(parts.get(1))));
        String joined = f.runUid(Operation.JOIN_SPLIT_KEY, payload(type(ObjectType.SECRET_DATA),
                TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, SecretDataType.SEED.value()), uid(parts.get(0)), uid(parts.get(1))));
        assertThat(f.stored(joined).objectType()).isEqualTo(ObjectType.SECRET_DATA.value());
        assertThat(material(f.stored(joined))).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void refusals_haveTheirReasons() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        String base = registerAes(f);
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY),
                uid(base), split(3, 2, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_16)));
        f.fails(ResultReason.INVALID_FIELD, Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY),
                uid(base), split(3, 4, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8)));
        f.fails(ResultReason.MISSING_DATA, Operation.CREATE_SPLIT_KEY, payload(type(ObjectType.SYMMETRIC_KEY), uid(base)));
        f.fails(ResultReason.INVALID_OBJECT_TYPE, Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.CERTIFICATE),
                uid(base), split(3, 2, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY),
                uid("missing"), split(3, 2, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8)));
        // joining something that is not a Split Key, or parts of two different splits
        f.fails(ResultReason.INVALID_OBJECT_TYPE, Operation.JOIN_SPLIT_KEY, join(f, List.of(base)));
        List<String> a = uids(f.run(Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY), uid(base),
                split(3, 2, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8))));
        List<String> b = uids(f.run(Operation.CREATE_SPLIT_KEY, createSplit(type(ObjectType.SYMMETRIC_KEY), uid(base),
                split(4, 2, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8))));
        f.fails(ResultReason.INVALID_FIELD, Operation.JOIN_SPLIT_KEY, join(f, List.of(a.get(0), b.get(1))));
        f.fails(ResultReason.INVALID_FIELD, Operation.JOIN_SPLIT_KEY, join(f, List.of(a.get(0), a.get(0))));
        // another owner's parts are not found
        f.client = "client2";
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.JOIN_SPLIT_KEY, join(f, a));
    }
}
