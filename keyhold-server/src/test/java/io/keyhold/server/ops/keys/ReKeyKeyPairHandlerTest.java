package io.keyhold.server.ops.keys;

import static io.keyhold.server.ops.keys.KeysFixture.algorithm;
import static io.keyhold.server.ops.keys.KeysFixture.curve;
import static io.keyhold.server.ops.keys.KeysFixture.date;
import static io.keyhold.server.ops.keys.KeysFixture.dateOf;
import static io.keyhold.server.ops.keys.KeysFixture.length;
import static io.keyhold.server.ops.keys.KeysFixture.links;
import static io.keyhold.server.ops.keys.KeysFixture.mask;
import static io.keyhold.server.ops.keys.KeysFixture.material;
import static io.keyhold.server.ops.keys.KeysFixture.name;
import static io.keyhold.server.ops.keys.KeysFixture.pairIds;
import static io.keyhold.server.ops.keys.KeysFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.store.StoredObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReKeyKeyPairHandlerTest {
    private static final long T0 = KeysFixture.T0;
    private static final int SIGN = CryptographicUsageMask.SIGN.value();
    private static final int VERIFY = CryptographicUsageMask.VERIFY.value();

    static Stream<KmipVersion> versions() {
        return Stream.of(KmipVersion.V1_2, KmipVersion.V1_4, KmipVersion.V2_0, KmipVersion.V2_1);
    }

    private static KmipAttribute[] of(KmipAttribute... a) {
        return a;
    }

    static TtlvItem privateUid(String id) {
        return TtlvItem.text(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, id);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void reKeyKeyPair_ec_newLinkedPairReplacesTheOldOne(KmipVersion version) throws Exception {
        KeysFixture f = new KeysFixture(version);
        String[] old = pairIds(f.run(Operation.CREATE_KEY_PAIR, f.createKeyPair(
                of(algorithm(CryptographicAlgorithm.ECDSA), curve(RecommendedCurve.P_384.value()),
                        date(Tag.ACTIVATION_DATE, T0), date(Tag.DEACTIVATION_DATE, T0 + 1000)),
                of(name("priv"), mask(SIGN)), of(name("pub"), mask(VERIFY)))));
        f.clock.advance(100);
        String[] created = pairIds(f.run(Operation.RE_KEY_KEY_PAIR, payload(privateUid(old[0]),
                TtlvItem.interval(Tag.OFFSET, 20))));
        assertThat(f.context().idPlaceholder()).contains(created[0]);

        StoredObject np = f.stored(created[0]);
        StoredObject nq = f.stored(created[1]);
        StoredObject op = f.stored(old[0]);
        StoredObject oq = f.stored(old[1]);
        assertThat(material(np)).isNotEqualTo(material(op));
        assertThat(links(np, LinkType.PUBLIC_KEY_LINK)).containsExactly(created[1]);
        assertThat(links(nq, LinkType.PRIVATE_KEY_LINK)).containsExactly(created[0]);
        assertThat(links(np, LinkType.REPLACED_OBJECT_LINK)).containsExactly(old[0]);
        assertThat(links(nq, LinkType.REPLACED_OBJECT_LINK)).containsExactly(old[1]);
        assertThat(links(op, LinkType.REPLACEMENT_OBJECT_LINK)).containsExactly(created[0]);
        assertThat(links(oq, LinkType.REPLACEMENT_OBJECT_LINK)).containsExactly(created[1]);
        assertThat(links(op, LinkType.PUBLIC_KEY_LINK)).containsExactly(old[1]);
        assertThat(np.attribute("Name").orElseThrow().value().child(Tag.NAME_VALUE).orElseThrow().textValue()).isEqualTo("priv");
        assertThat(nq.attribute("Name").orElseThrow().value().child(Tag.NAME_VALUE).orElseThrow().textValue()).isEqualTo("pub");
        assertThat(op.attributes("Name")).isEmpty();
        assertThat(oq.attributes("Name")).isEmpty();
        assertThat(np.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(SIGN);
        assertThat(nq.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(VERIFY);
        assertThat(np.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(384);
        for (StoredObject n : new StoredObject[] {np, nq}) {
            assertThat(dateOf(n, "Activation Date")).contains(T0 + 120);
            assertThat(dateOf(n, "Deactivation Date")).contains(T0 + 1120);
            assertThat(n.state()).isEqualTo(State.PRE_ACTIVE.value());
        }
        assertThat(op.state()).isEqualTo(State.ACTIVE.value());
        CreateKeyPairHandlerTest.assertBelongTogether("EC", KeyMaterial.privateKey(np, "EC"), KeyMaterial.publicKey(nq, "EC"));
    }

    @Test
    void reKeyKeyPair_ed25519WithoutOffset_copiesDatesAndTakesOverrides() throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V2_1);
        String[] old = pairIds(f.run(Operation.CREATE_KEY_PAIR, f.createKeyPair(
                of(algorithm(CryptographicAlgorithm.ED25519), date(Tag.ACTIVATION_DATE, T0 + 50)),
                of(mask(SIGN)), of(mask(VERIFY)))));
        String[] created = pairIds(f.run(Operation.RE_KEY_KEY_PAIR, payload(
                f.attributes(Tag.PRIVATE_KEY_TEMPLATE_ATTRIBUTE, Tag.PRIVATE_KEY_ATTRIBUTES,
                        mask(SIGN | CryptographicUsageMask.CERTIFICATE_SIGN.value())))));
        StoredObject np = f.stored(created[0]);
        assertThat(dateOf(np, "Activation Date")).contains(T0 + 50);
        assertThat(np.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue())
                .isEqualTo(SIGN | CryptographicUsageMask.CERTIFICATE_SIGN.value());
        assertThat(links(f.stored(old[0]), LinkType.REPLACEMENT_OBJECT_LINK)).containsExactly(created[0]);
        CreateKeyPairHandlerTest.assertBelongTogether("Ed25519", KeyMaterial.privateKey(np, "Ed25519"),
                KeyMaterial.publicKey(f.stored(created[1]), "Ed25519"));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void reKeyKeyPair_failures_haveExactReasons(KmipVersion version) throws Exception {
        KeysFixture f = new KeysFixture(version);
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.RE_KEY_KEY_PAIR, payload(privateUid("missing")));
        String[] pair = pairIds(f.run(Operation.CREATE_KEY_PAIR, f.createKeyPair(
                of(algorithm(CryptographicAlgorithm.RSA), length(2048)), of(), of())));
        f.fails(version.isTwoOrLater() ? ResultReason.INVALID_OBJECT_TYPE : ResultReason.INVALID_FIELD,
                Operation.RE_KEY_KEY_PAIR, payload(privateUid(pair[1])));
        f.fails(version.isTwoOrLater() ? ResultReason.INVALID_OBJECT_TYPE : ResultReason.INVALID_FIELD,
                Operation.RE_KEY_KEY_PAIR, payload(privateUid(f.createAes())));
        f.fails(ResultReason.INVALID_FIELD, Operation.RE_KEY_KEY_PAIR, payload(privateUid(pair[0]),
                f.attributes(Tag.COMMON_TEMPLATE_ATTRIBUTE, Tag.COMMON_ATTRIBUTES, length(1000))));
        assertThat(links(f.stored(pair[0]), LinkType.REPLACEMENT_OBJECT_LINK)).isEmpty();
    }
}
