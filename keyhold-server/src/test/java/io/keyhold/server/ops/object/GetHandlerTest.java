package io.keyhold.server.ops.object;

import static io.keyhold.server.ops.object.Fixture.payload;
import static io.keyhold.server.ops.object.Fixture.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GetHandlerTest {

    static Stream<KmipVersion> versions() {
        return Stream.of(KmipVersion.V1_0, KmipVersion.V1_1, KmipVersion.V1_2, KmipVersion.V1_4, KmipVersion.V2_0, KmipVersion.V2_1);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void get_createdKey_returnsRawKeyBlockInClientOrder(KmipVersion version) throws Exception {
        Fixture f = new Fixture(version);
        String id = f.createAes();
        TtlvItem response = f.run(Operation.GET, payload(uid(id)));

        assertThat(response.children()).extracting(TtlvItem::tag)
                .containsExactly(Tag.OBJECT_TYPE, Tag.UNIQUE_IDENTIFIER, Tag.SYMMETRIC_KEY);
        assertThat(response.children().get(0).enumValue()).isEqualTo(ObjectType.SYMMETRIC_KEY.value());
        assertThat(response.children().get(1).textValue()).isEqualTo(id);
        TtlvItem key = response.children().get(2);
        assertThat(key.children()).extracting(TtlvItem::tag).containsExactly(Tag.KEY_BLOCK);
        TtlvItem block = key.children().get(0);
        assertThat(block.children()).extracting(TtlvItem::tag).containsExactly(Tag.KEY_FORMAT_TYPE, Tag.KEY_VALUE,
                Tag.CRYPTOGRAPHIC_ALGORITHM, Tag.CRYPTOGRAPHIC_LENGTH);
        assertThat(block.children().get(0).enumValue()).isEqualTo(KeyFormatType.RAW.value());
        assertThat(block.children().get(1).children()).extracting(TtlvItem::tag).containsExactly(Tag.KEY_MATERIAL);
        assertThat(block.children().get(1).children().get(0).bytesLength()).isEqualTo(32);
        assertThat(block.children().get(2).enumValue()).isEqualTo(CryptographicAlgorithm.AES.value());
        assertThat(block.children().get(3).intValue()).isEqualTo(256);
    }

    @Test
    void get_clearsFresh() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        String id = f.createAes();
        assertThat(f.stored(id).attribute("Fresh").orElseThrow().value().booleanValue()).isTrue();
        f.run(Operation.GET, payload(uid(id)));
        assertThat(f.stored(id).attribute("Fresh").orElseThrow().value().booleanValue()).isFalse();
    }

    @Test
    void get_withoutUid_usesTheIdPlaceholderOfTheBatch() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_0);
        String id = f.createAes();
        TtlvItem response = f.run(Operation.GET, payload());
        assertThat(response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(id);
    }

    @Test
    void get_withoutUidOrPlaceholder_isItemNotFound() {
        Fixture f = new Fixture(KmipVersion.V1_2);
        f.fails(ResultReason.ITEM_NOT_FOUND, Operation.GET, payload());
    }

    @Test
    void get_transparentSymmetricKey_convertsBothWays() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_4);
        String id = f.createAes();
        byte[] raw = CreateHandlerTest.material(f.stored(id));
        TtlvItem transparent = f.run(Operation.GET, payload(uid(id),
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value())));
        TtlvItem block = transparent.child(Tag.SYMMETRIC_KEY).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow();
        assertThat(block.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue())
                .isEqualTo(KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value());
        assertThat(block.child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().child(Tag.KEY).orElseThrow()
                .bytesValue()).isEqualTo(raw);

        String registered = f.register(ObjectType.SYMMETRIC_KEY, transparent.child(Tag.SYMMETRIC_KEY).orElseThrow());
        TtlvItem asRaw = f.run(Operation.GET, payload(uid(registered), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1)));
        assertThat(asRaw.child(Tag.SYMMETRIC_KEY).orElseThrow()).isEqualTo(f.stored(id).object());
    }

    @Test
    void get_otherFormats_compressionAndWrapping_areRefusedWithTheirReasons() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_4);
        String id = f.createAes();
        f.fails(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, Operation.GET, payload(uid(id),
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.PKCS_8.value())));
        f.fails(ResultReason.KEY_COMPRESSION_TYPE_NOT_SUPPORTED, Operation.GET, payload(uid(id),
                TtlvItem.enumeration(Tag.KEY_COMPRESSION_TYPE, 1)));
        f.fails(ResultReason.MISSING_DATA, Operation.GET, payload(uid(id),
                TtlvItem.structure(Tag.KEY_WRAPPING_SPECIFICATION, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 1))));
        // MAC/sign then encrypt (MAC/sign itself is supported: ops/transfer/MacWrappingTest)
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.GET, payload(uid(id),
                TtlvItem.structure(Tag.KEY_WRAPPING_SPECIFICATION, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 4))));
        String opaque = f.register(ObjectType.OPAQUE_OBJECT, TtlvItem.structure(Tag.OPAQUE_OBJECT,
                TtlvItem.enumeration(Tag.OPAQUE_DATA_TYPE, 0x80000001), TtlvItem.bytes(Tag.OPAQUE_DATA_VALUE, new byte[] {1})));
        f.fails(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, Operation.GET, payload(uid(opaque),
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1)));
    }

    @Test
    void get_sameFormatAsStored_isAnswered() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_0);
        String id = f.createAes();
        TtlvItem response = f.run(Operation.GET, payload(uid(id), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1)));
        assertThat(response.child(Tag.SYMMETRIC_KEY).orElseThrow()).isEqualTo(f.stored(id).object());
    }

    @Test
    void get_otherOwnersKey_isObjectNotFound() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        String id = f.createAes();
        f.client = "client2";
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.GET, payload(uid(id)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.GET, payload(uid("no-such-object")));
    }

    @Test
    void get_deactivatedAndCompromisedKeys_stillWork() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        String id = f.createAes();
        f.run(Operation.ACTIVATE, payload(uid(id)));
        f.run(Operation.REVOKE, payload(uid(id), LifecycleHandlersTest.reason(6)));
        assertThat(f.run(Operation.GET, payload(uid(id))).child(Tag.SYMMETRIC_KEY)).isPresent();
        f.run(Operation.REVOKE, payload(uid(id), LifecycleHandlersTest.reason(2)));
        assertThat(f.run(Operation.GET, payload(uid(id))).child(Tag.SYMMETRIC_KEY)).isPresent();
    }

    @Test
    void get_afterDestroy_isObjectDestroyedIn2xAndItemNotFoundIn1x() throws Exception {
        Fixture two = new Fixture(KmipVersion.V2_1);
        String a = two.createAes();
        two.run(Operation.DESTROY, payload(uid(a)));
        two.fails(ResultReason.OBJECT_DESTROYED, Operation.GET, payload(uid(a)));
        Fixture one = new Fixture(KmipVersion.V1_0);
        String b = one.createAes();
        one.run(Operation.DESTROY, payload(uid(b)));
        one.fails(ResultReason.ITEM_NOT_FOUND, Operation.GET, payload(uid(b)));
    }

    @Test
    void get_archived_isObjectArchivedUntilRecovered() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_1);
        String id = f.createAes();
        f.run(Operation.ARCHIVE, payload(uid(id)));
        f.fails(ResultReason.OBJECT_ARCHIVED, Operation.GET, payload(uid(id)));
        f.run(Operation.RECOVER, payload(uid(id)));
        assertThat(f.run(Operation.GET, payload(uid(id))).child(Tag.SYMMETRIC_KEY)).isPresent();
    }

    @Test
    void get_whenDeactivationDateHasPassed_persistsTheNewState() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        String id = f.createAes(TtlvItem.dateTime(Tag.ACTIVATION_DATE, Fixture.T0 - 10),
                TtlvItem.dateTime(Tag.DEACTIVATION_DATE, Fixture.T0 + 50));
        f.run(Operation.GET, payload(uid(id)));
        f.clock.advance(60);
        StoredObject before = f.stored(id);
        assertThat(before.state()).isEqualTo(2);
        f.run(Operation.GET, payload(uid(id)));
        assertThat(f.stored(id).state()).isEqualTo(3);
    }
}
