package io.keyhold.server.ops.transfer;

import static io.keyhold.server.ops.transfer.TransferFixture.block;
import static io.keyhold.server.ops.transfer.TransferFixture.material;
import static io.keyhold.server.ops.transfer.TransferFixture.payload;
import static io.keyhold.server.ops.transfer.TransferFixture.uid;
import static io.keyhold.server.ops.transfer.TransferFixture.wrapping;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KeyWrapType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImportExportTest {

    static Stream<KmipVersion> versions() {
        return Stream.of(KmipVersion.V1_4, KmipVersion.V2_1);
    }

    private static List<KmipAttribute> exportedAttributes(TransferFixture f, TtlvItem response) throws Exception {
        return f.version.isTwoOrLater() ? AttributeMapping.fromAttributes(response.child(Tag.ATTRIBUTES).orElseThrow())
                : AttributeMapping.fromTemplateAttribute(response.child(Tag.TEMPLATE_ATTRIBUTE).orElseThrow());
    }

    private static TtlvItem importPayload(TransferFixture f, String newUid, TtlvItem exported, TtlvItem... options) throws Exception {
        List<TtlvItem> c = new java.util.ArrayList<>();
        c.add(uid(newUid));
        c.add(exported.child(Tag.OBJECT_TYPE).orElseThrow());
        c.addAll(List.of(options));
        c.add(f.attributes(exportedAttributes(f, exported)));
        c.add(exported.child(Tag.SYMMETRIC_KEY).orElseThrow());
        return payload(c);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void export_returnsTheObjectWithItsAttributes_andImportRecreatesIt(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String id = f.createAes(12, TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, "exported"),
                TtlvItem.enumeration(Tag.NAME_TYPE, 1)));
        f.run(Operation.ACTIVATE, payload(uid(id)));
        TtlvItem exported = f.run(Operation.EXPORT, payload(uid(id)));
        assertThat(exported.children().get(0).tag()).isEqualTo(Tag.OBJECT_TYPE);
        assertThat(exported.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(id);
        assertThat(exported.child(Tag.SYMMETRIC_KEY)).contains(f.stored(id).object());
        List<KmipAttribute> attributes = exportedAttributes(f, exported);
        assertThat(attributes).extracting(KmipAttribute::name).contains("Cryptographic Algorithm", "State", "Name",
                "Cryptographic Usage Mask");

        String newUid = "imported-" + v;
        TtlvItem response = f.run(Operation.IMPORT, importPayload(f, newUid, exported));
        assertThat(response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo(newUid);
        StoredObject imported = f.stored(newUid);
        assertThat(imported.owner()).isEqualTo("client1");
        assertThat(imported.object()).isEqualTo(f.stored(id).object());
        assertThat(imported.state()).isEqualTo(State.ACTIVE.value());
        assertThat(imported.attribute("Unique Identifier").orElseThrow().value().textValue()).isEqualTo(newUid);
        assertThat(imported.attribute("Name").orElseThrow().value()).isEqualTo(f.stored(id).attribute("Name").orElseThrow().value());
        assertThat(f.run(Operation.GET, payload(uid(newUid))).child(Tag.SYMMETRIC_KEY)).contains(f.stored(id).object());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void import_existingIdentifier_needsReplaceExisting_andOnlyForTheCallersObject(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String id = f.createAes(12);
        String other = f.createAes(12);
        TtlvItem exportedOther = f.run(Operation.EXPORT, payload(uid(other)));
        TtlvItem before = f.stored(id).object();
        f.fails(ResultReason.OBJECT_ALREADY_EXISTS, Operation.IMPORT, importPayload(f, id, exportedOther));
        assertThat(f.stored(id).object()).isEqualTo(before);
        f.run(Operation.IMPORT, importPayload(f, id, exportedOther, TtlvItem.bool(Tag.REPLACE_EXISTING, true)));
        assertThat(f.stored(id).object()).isEqualTo(f.stored(other).object());

        f.client = "client2";
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.IMPORT, importPayload(f, id, exportedOther,
                TtlvItem.bool(Tag.REPLACE_EXISTING, true)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.IMPORT, importPayload(f, id, exportedOther));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.EXPORT, payload(uid(id)));
        assertThat(f.stored(id).owner()).isEqualTo("client1");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void export_wrapped_thenImportNotWrappedUnwraps_andAsRegisteredKeepsItWrapped(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String kek = f.activeKek();
        String id = f.createAes(12);
        TtlvItem exported = f.run(Operation.EXPORT, payload(uid(id), wrapping(kek, null, null)));
        assertThat(block(exported.child(Tag.SYMMETRIC_KEY).orElseThrow()).child(Tag.KEY_WRAPPING_DATA)).isPresent();

        f.run(Operation.IMPORT, importPayload(f, "clear-" + v, exported,
                TtlvItem.enumeration(Tag.KEY_WRAP_TYPE, KeyWrapType.NOT_WRAPPED.value())));
        assertThat(f.stored("clear-" + v).object()).isEqualTo(f.stored(id).object());

        f.run(Operation.IMPORT, importPayload(f, "wrapped-" + v, exported,
                TtlvItem.enumeration(Tag.KEY_WRAP_TYPE, KeyWrapType.AS_REGISTERED.value())));
        assertThat(f.stored("wrapped-" + v).object()).isEqualTo(exported.child(Tag.SYMMETRIC_KEY).orElseThrow());
        // Get with Not Wrapped unwraps it on the way out, since the caller holds the key
        TtlvItem clear = f.run(Operation.GET, payload(uid("wrapped-" + v),
                TtlvItem.enumeration(Tag.KEY_WRAP_TYPE, KeyWrapType.NOT_WRAPPED.value()))).child(Tag.SYMMETRIC_KEY).orElseThrow();
        assertThat(material(clear).bytesValue()).isEqualTo(material(f.stored(id).object()).bytesValue());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void export_inAnotherFormat_andBadImports_haveTheirReasons(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String id = f.createAes(12);
        TtlvItem transparent = f.run(Operation.EXPORT, payload(uid(id), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value())));
        assertThat(material(transparent.child(Tag.SYMMETRIC_KEY).orElseThrow()).child(Tag.KEY).orElseThrow().bytesValue())
                .isEqualTo(material(f.stored(id).object()).bytesValue());
        f.fails(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, Operation.EXPORT, payload(uid(id),
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.PKCS_8.value())));
        TtlvItem exported = f.run(Operation.EXPORT, payload(uid(id)));
        f.fails(ResultReason.MISSING_DATA, Operation.IMPORT, payload(exported.child(Tag.OBJECT_TYPE).orElseThrow(),
                exported.child(Tag.SYMMETRIC_KEY).orElseThrow()));
        f.fails(ResultReason.MISSING_DATA, Operation.IMPORT, payload(uid("x"), exported.child(Tag.OBJECT_TYPE).orElseThrow()));
        f.fails(ResultReason.KEY_WRAP_TYPE_NOT_SUPPORTED, Operation.IMPORT, importPayload(f, "y", exported,
                TtlvItem.enumeration(Tag.KEY_WRAP_TYPE, 7)));
        f.fails(v.isTwoOrLater() ? ResultReason.INVALID_OBJECT_TYPE : ResultReason.INVALID_FIELD, Operation.IMPORT,
                payload(uid("z"), TtlvItem.enumeration(Tag.OBJECT_TYPE, 0x7777), exported.child(Tag.SYMMETRIC_KEY).orElseThrow()));
        f.run(Operation.DESTROY, payload(uid(id)));
        f.fails(v.isTwoOrLater() ? ResultReason.OBJECT_DESTROYED : ResultReason.ITEM_NOT_FOUND, Operation.EXPORT, payload(uid(id)));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void import_withoutAttributes_getsTheMissingServerAttributes(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        byte[] secret = new byte[16];
        java.util.Arrays.fill(secret, (byte) 3);
        TtlvItem object = TransferFixture.key(Tag.SYMMETRIC_KEY, KeyFormatType.RAW, TtlvItem.bytes(Tag.KEY_MATERIAL, secret),
                io.keyhold.protocol.spec.CryptographicAlgorithm.AES, 128);
        f.run(Operation.IMPORT, payload(uid("bare"), TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), object));
        StoredObject s = f.stored("bare");
        assertThat(s.state()).isEqualTo(State.PRE_ACTIVE.value());
        assertThat(s.objectType()).isEqualTo(ObjectType.SYMMETRIC_KEY.value());
        assertThat(s.attribute("Cryptographic Algorithm").orElseThrow().value().enumValue())
                .isEqualTo(io.keyhold.protocol.spec.CryptographicAlgorithm.AES.value());
        assertThat(s.attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(128);
        assertThat(s.attribute("Initial Date")).isPresent();
        assertThat(s.attribute("Last Change Date")).isPresent();
        assertThat(s.object()).isEqualTo(object);
    }
}
