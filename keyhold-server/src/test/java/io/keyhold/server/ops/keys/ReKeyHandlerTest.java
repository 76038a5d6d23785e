package io.keyhold.server.ops.keys;

import static io.keyhold.server.ops.keys.KeysFixture.algorithm;
import static io.keyhold.server.ops.keys.KeysFixture.date;
import static io.keyhold.server.ops.keys.KeysFixture.dateOf;
import static io.keyhold.server.ops.keys.KeysFixture.length;
import static io.keyhold.server.ops.keys.KeysFixture.links;
import static io.keyhold.server.ops.keys.KeysFixture.mask;
import static io.keyhold.server.ops.keys.KeysFixture.material;
import static io.keyhold.server.ops.keys.KeysFixture.name;
import static io.keyhold.server.ops.keys.KeysFixture.payload;
import static io.keyhold.server.ops.keys.KeysFixture.uidOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReKeyHandlerTest {
    private static final long T0 = KeysFixture.T0;

    static Stream<KmipVersion> versions() {
        return Stream.of(KmipVersion.V1_0, KmipVersion.V1_2, KmipVersion.V1_4, KmipVersion.V2_0, KmipVersion.V2_1);
    }

    static TtlvItem uid(String id) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id);
    }

    static TtlvItem offset(long seconds) {
        return TtlvItem.interval(Tag.OFFSET, seconds);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void reKey_withoutOffset_newMaterialSameAttributesNamesMoveLinksBothWays(KmipVersion version) throws Exception {
        KeysFixture f = new KeysFixture(version);
        String old = f.createAes(name("k1"), date(Tag.ACTIVATION_DATE, T0 + 100), date(Tag.DEACTIVATION_DATE, T0 + 1000),
                KeysFixture.a(TtlvItem.text(Tag.OBJECT_GROUP, "g")));
        f.clock.advance(50);
        String created = uidOf(f.run(Operation.RE_KEY, payload(uid(old))));
        assertThat(created).isNotEqualTo(old);
        assertThat(f.context().idPlaceholder()).contains(created);

        StoredObject o = f.stored(old);
        StoredObject n = f.stored(created);
        assertThat(material(n)).hasSize(32).isNotEqualTo(material(o));
        assertThat(n.attribute("Cryptographic Algorithm").orElseThrow().value().enumValue()).isEqualTo(CryptographicAlgorithm.AES.value());
        assertThat(n.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(256);
        assertThat(n.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(12);
        assertThat(n.attribute("Object Group").orElseThrow().value().textValue()).isEqualTo("g");
        assertThat(n.attribute("Name").orElseThrow().value().child(Tag.NAME_VALUE).orElseThrow().textValue()).isEqualTo("k1");
        assertThat(o.attributes("Name")).isEmpty();
        assertThat(links(o, LinkType.REPLACEMENT_OBJECT_LINK)).containsExactly(created);
        assertThat(links(n, LinkType.REPLACED_OBJECT_LINK)).containsExactly(old);
        assertThat(dateOf(n, "Initial Date")).contains(T0 + 50);
        assertThat(dateOf(n, "Activation Date")).contains(T0 + 100);
        assertThat(dateOf(n, "Deactivation Date")).contains(T0 + 1000);
        assertThat(n.state()).isEqualTo(State.PRE_ACTIVE.value());
        assertThat(n.attribute("Unique Identifier").orElseThrow().value().textValue()).isEqualTo(created);
        assertThat(o.state()).isEqualTo(State.PRE_ACTIVE.value());
        assertThat(dateOf(o, "Last Change Date")).contains(T0 + 50);
        assertThat(n.attribute("Digest").orElseThrow().value()).isNotEqualTo(o.attribute("Digest").orElseThrow().value());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void reKey_withOffset_activationIsNowPlusOffsetAndOtherDatesKeepTheirDistance(KmipVersion version) throws Exception {
        KeysFixture f = new KeysFixture(version);
        String old = f.createAes(date(Tag.ACTIVATION_DATE, T0), date(Tag.PROCESS_START_DATE, T0 + 10),
                date(Tag.PROTECT_STOP_DATE, T0 + 500), date(Tag.DEACTIVATION_DATE, T0 + 1000));
        assertThat(f.stored(old).state()).isEqualTo(State.ACTIVE.value());
        f.clock.advance(300);
        String created = uidOf(f.run(Operation.RE_KEY, payload(uid(old), offset(60))));
        StoredObject n = f.stored(created);
        long at2 = T0 + 300 + 60;
        assertThat(dateOf(n, "Activation Date")).contains(at2);
        assertThat(dateOf(n, "Process Start Date")).contains(at2 + 10);
        assertThat(dateOf(n, "Protect Stop Date")).contains(at2 + 500);
        assertThat(dateOf(n, "Deactivation Date")).contains(at2 + 1000);
        assertThat(n.state()).isEqualTo(State.PRE_ACTIVE.value());
        assertThat(f.stored(old).state()).isEqualTo(State.ACTIVE.value());
    }

    @Test
    void reKey_zeroOffset_isActiveAtOnce() throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V2_1);
        String old = f.createAes();
        String created = uidOf(f.run(Operation.RE_KEY, payload(uid(old), offset(0))));
        assertThat(f.stored(created).state()).isEqualTo(State.ACTIVE.value());
    }

    @Test
    void reKey_usesIdPlaceholderAndTemplateOverrides() throws Exception {
        KeysFixture f = new KeysFixture(KmipVersion.V1_4);
        f.createAes();
        String created = uidOf(f.run(Operation.RE_KEY, payload(f.template(mask(4), length(128)))));
        StoredObject n = f.stored(created);
        assertThat(n.attribute("Cryptographic Usage Mask").orElseThrow().value().intValue()).isEqualTo(4);
        assertThat(material(n)).hasSize(16);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void reKey_failures_haveExactReasons(KmipVersion version) throws Exception {
        KeysFixture f = new KeysFixture(version);
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.RE_KEY, payload(uid("no-such-key")));
        String[] pair = KeysFixture.pairIds(f.run(Operation.CREATE_KEY_PAIR, f.createKeyPair(
                new KmipAttribute[] {algorithm(CryptographicAlgorithm.EC), length(256)}, new KmipAttribute[0], new KmipAttribute[0])));
        f.fails(version.isTwoOrLater() ? ResultReason.INVALID_OBJECT_TYPE : ResultReason.INVALID_FIELD, Operation.RE_KEY,
                payload(uid(pair[0])));
        String aes = f.createAes();
        f.fails(ResultReason.INVALID_FIELD, Operation.RE_KEY,
                payload(uid(aes), f.template(algorithm(CryptographicAlgorithm.DES3))));
        f.client = "client2";
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.RE_KEY, payload(uid(aes)));
        f.client = "client1";
        f.run(Operation.DESTROY, payload(uid(aes)));
        f.fails(version.isTwoOrLater() ? ResultReason.OBJECT_DESTROYED : ResultReason.ITEM_NOT_FOUND, Operation.RE_KEY,
                payload(uid(aes)));
        assertThat(f.stored(aes).attributes("Link")).isEmpty();
    }
}
