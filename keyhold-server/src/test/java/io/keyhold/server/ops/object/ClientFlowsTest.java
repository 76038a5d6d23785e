package io.keyhold.server.ops.object;

import static io.keyhold.server.ops.object.Fixture.algorithm;
import static io.keyhold.server.ops.object.Fixture.length;
import static io.keyhold.server.ops.object.Fixture.mask;
import static io.keyhold.server.ops.object.Fixture.name;
import static io.keyhold.server.ops.object.Fixture.objectType;
import static io.keyhold.server.ops.object.Fixture.payload;
import static io.keyhold.server.ops.object.Fixture.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conversations of client-profiles.md that use only object operations. */
class ClientFlowsTest {

    private static TtlvItem secretData(int type, byte[] bytes) {
        return TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, type),
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 2),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, bytes))));
    }

    @Test
    void mongoDb_createGetActivate_thenRotationReadsTheDeactivatedKey() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        String id = f.createAes();
        TtlvItem first = f.run(Operation.GET, payload(uid(id)));
        f.run(Operation.ACTIVATE, payload(uid(id)));
        assertThat(f.stored(id).state()).isEqualTo(State.ACTIVE.value());
        f.run(Operation.REVOKE, payload(uid(id), LifecycleHandlersTest.reason(6)));
        assertThat(f.stored(id).state()).isEqualTo(3);
        assertThat(f.run(Operation.GET, payload(uid(id)))).isEqualTo(first);
    }

    @Test
    void libmongocrypt_registersA96ByteSeedAt10_activatesAndGetsIt() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_0);
        byte[] seed = new byte[96];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) i;
        }
        TtlvItem object = secretData(2, seed);
        String id = f.register(ObjectType.SECRET_DATA, object, mask(0));
        f.run(Operation.ACTIVATE, payload(uid(id)));
        assertThat(f.run(Operation.GET, payload(uid(id))).child(Tag.SECRET_DATA).orElseThrow()).isEqualTo(object);
    }

    @Test
    void perconaMysql_storeLoadDelete() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_4);
        String key = f.register(ObjectType.SYMMETRIC_KEY, Fixture.rawKey(new byte[32], CryptographicAlgorithm.AES, 256),
                algorithm(CryptographicAlgorithm.AES), name("mysql-key-1"), TtlvItem.text(Tag.OBJECT_GROUP, "keyring"));
        String password = f.register(ObjectType.SECRET_DATA, secretData(1, "pw".getBytes()), mask(0x240),
                name("mysql-secret-1"), TtlvItem.text(Tag.OBJECT_GROUP, "keyring"));
        f.version = KmipVersion.V1_0;
        f.run(Operation.ACTIVATE, payload(uid(key)));
        f.run(Operation.ACTIVATE, payload(uid(password)));

        TtlvItem page = f.run(Operation.LOCATE, payload(TtlvItem.integer(Tag.MAXIMUM_ITEMS, 16), TtlvItem.integer(Tag.OFFSET_ITEMS, 0),
                AttributeMapping.toAttribute(KmipAttribute.of(objectType(ObjectType.SYMMETRIC_KEY))),
                AttributeMapping.toAttribute(KmipAttribute.of(TtlvItem.text(Tag.OBJECT_GROUP, "keyring")))));
        assertThat(page.children()).extracting(TtlvItem::textValue).containsExactly(key);
        TtlvItem next = f.run(Operation.LOCATE, payload(TtlvItem.integer(Tag.MAXIMUM_ITEMS, 16), TtlvItem.integer(Tag.OFFSET_ITEMS, 16),
                AttributeMapping.toAttribute(KmipAttribute.of(objectType(ObjectType.SYMMETRIC_KEY)))));
        assertThat(next.children()).isEmpty();

        f.run(Operation.REVOKE, payload(uid(key), LifecycleHandlersTest.reason(1)));
        f.run(Operation.DESTROY, payload(uid(key)));
        assertThat(f.stored(key).state()).isEqualTo(State.DESTROYED.value());
        TtlvItem after = f.run(Operation.LOCATE, payload(
                AttributeMapping.toAttribute(KmipAttribute.of(TtlvItem.text(Tag.OBJECT_GROUP, "keyring")))));
        assertThat(after.children()).extracting(TtlvItem::textValue).containsExactly(password);
    }

    @Test
    void vsphere_createsWithAttributesInItsOrder() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_1);
        TtlvItem response = f.run(Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.AES), mask(12), length(256))));
        String id = response.children().get(1).textValue();
        assertThat(List.of(f.stored(id).state())).containsExactly(State.PRE_ACTIVE.value());
        f.run(Operation.GET, payload(uid(id)));
        f.run(Operation.ACTIVATE, payload(uid(id)));
        assertThat(f.stored(id).state()).isEqualTo(State.ACTIVE.value());
    }
}
