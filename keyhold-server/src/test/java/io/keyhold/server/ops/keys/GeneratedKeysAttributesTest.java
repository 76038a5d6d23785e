package io.keyhold.server.ops.keys;

import static io.keyhold.server.ops.keys.KeysFixture.algorithm;
import static io.keyhold.server.ops.keys.KeysFixture.curve;
import static io.keyhold.server.ops.keys.KeysFixture.length;
import static io.keyhold.server.ops.keys.KeysFixture.mask;
import static io.keyhold.server.ops.keys.KeysFixture.pairIds;
import static io.keyhold.server.ops.keys.KeysFixture.payload;
import static io.keyhold.server.ops.keys.KeysFixture.uidOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ProtectionStorageMask;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.ObjectOperations;
import io.keyhold.server.store.StoredObject;
import org.junit.jupiter.api.Test;

/** Create Key Pair, Re-key and Re-key Key Pair record the server's generator and its storage. */
class GeneratedKeysAttributesTest {
    private static final int SIGN = CryptographicUsageMask.SIGN.value();
    private static final int VERIFY = CryptographicUsageMask.VERIFY.value();

    private static KeysFixture withServerRandom(KmipVersion version) {
        KeysFixture f = new KeysFixture(version);
        for (OperationHandler h : ObjectOperations.handlers(ServerRandom.get())) {
            f.handlers.put(h.operation(), h);
        }
        for (OperationHandler h : KeyOperations.handlers(ServerRandom.get())) {
            f.handlers.put(h.operation(), h);
        }
        return f;
    }

    private static KmipAttribute[] of(KmipAttribute... a) {
        return a;
    }

    private static void assertServerGenerator(StoredObject o) {
        assertThat(o.attribute("Random Number Generator").orElseThrow().value())
                .isEqualTo(ServerRandom.attribute(ServerRandom.parameters().orElseThrow()));
    }

    private static String[] pair(KeysFixture f) throws Exception {
        return pairIds(f.run(Operation.CREATE_KEY_PAIR, f.createKeyPair(
                of(algorithm(CryptographicAlgorithm.ECDSA), curve(RecommendedCurve.P_256.value())),
                of(mask(SIGN)), of(mask(VERIFY)))));
    }

    @Test
    void createKeyPair_andReKeyKeyPair_giveBothKeysTheServersGenerator() throws Exception {
        for (KmipVersion v : new KmipVersion[] {KmipVersion.V1_4, KmipVersion.V2_1}) {
            KeysFixture f = withServerRandom(v);
            String[] ids = pair(f);
            assertServerGenerator(f.stored(ids[0]));
            assertServerGenerator(f.stored(ids[1]));
            String[] rekeyed = pairIds(f.run(Operation.RE_KEY_KEY_PAIR,
                    payload(TtlvItem.text(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, ids[0]))));
            assertServerGenerator(f.stored(rekeyed[0]));
            assertServerGenerator(f.stored(rekeyed[1]));
            assertThat(f.stored(rekeyed[1]).attribute("Protection Storage Mask").isPresent()).isEqualTo(v.isTwoOrLater());
        }
    }

    @Test
    void createKeyPair_inAVersionWithoutTheAttribute_hasNone() throws Exception {
        KeysFixture f = withServerRandom(KmipVersion.V1_2);
        String[] ids = pair(f);
        assertThat(f.stored(ids[0]).attribute("Random Number Generator")).isEmpty();
        assertThat(f.stored(ids[0]).attribute("Protection Storage Mask")).isEmpty();
    }

    @Test
    void reKey_replacesTheRegisteredKeysGenerator_withTheServers() throws Exception {
        KeysFixture f = withServerRandom(KmipVersion.V2_1);
        TtlvItem x931 = TtlvItem.structure(Tag.RANDOM_NUMBER_GENERATOR,
                TtlvItem.enumeration(Tag.RNG_ALGORITHM, 5));
        TtlvItem object = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[32])),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)));
        String old = uidOf(f.run(Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE,
                ObjectType.SYMMETRIC_KEY.value()), f.template(KmipAttribute.of(x931)), object)));
        assertThat(f.stored(old).attribute("Random Number Generator").orElseThrow().value()).isEqualTo(x931);
        String created = uidOf(f.run(Operation.RE_KEY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, old))));
        assertServerGenerator(f.stored(created));
        assertThat(f.stored(created).attribute("Protection Storage Mask").orElseThrow().value().intValue())
                .isEqualTo(ProtectionStorageMask.SOFTWARE.value());
        f.fails(ResultReason.PROTECTION_STORAGE_UNAVAILABLE, Operation.RE_KEY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, created),
                TtlvItem.structure(Tag.PROTECTION_STORAGE_MASKS, TtlvItem.integer(Tag.PROTECTION_STORAGE_MASK,
                        ProtectionStorageMask.HARDWARE.value()))));
    }

    @Test
    void createKeyPair_protectionStorageMasks_commonPrivateAndPublic_mustAllowSoftware() throws Exception {
        KeysFixture f = withServerRandom(KmipVersion.V2_1);
        int hardware = ProtectionStorageMask.HARDWARE.value();
        int software = ProtectionStorageMask.SOFTWARE.value();
        TtlvItem request = f.createKeyPair(of(algorithm(CryptographicAlgorithm.ECDSA), curve(RecommendedCurve.P_256.value())),
                of(mask(SIGN)), of(mask(VERIFY)));
        int[][] cases = {
            {Tag.COMMON_PROTECTION_STORAGE_MASKS, ResultReason.PROTECTION_STORAGE_UNAVAILABLE.value()},
            {Tag.PRIVATE_PROTECTION_STORAGE_MASKS, ResultReason.PRIVATE_PROTECTION_STORAGE_UNAVAILABLE.value()},
            {Tag.PUBLIC_PROTECTION_STORAGE_MASKS, ResultReason.PUBLIC_PROTECTION_STORAGE_UNAVAILABLE.value()}};
        for (int[] c : cases) {
            TtlvItem p = with(request, TtlvItem.structure(c[0], TtlvItem.integer(Tag.PROTECTION_STORAGE_MASK, hardware)));
            f.fails(ResultReason.fromValue(c[1]).orElseThrow(), Operation.CREATE_KEY_PAIR, p);
            f.fails(ResultReason.fromValue(c[1]).orElseThrow(), Operation.RE_KEY_KEY_PAIR,
                    payload(TtlvItem.text(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, pair(f)[0]),
                            TtlvItem.structure(c[0], TtlvItem.integer(Tag.PROTECTION_STORAGE_MASK, hardware))));
        }
        String[] ids = pairIds(f.run(Operation.CREATE_KEY_PAIR, with(request, TtlvItem.structure(
                Tag.PRIVATE_PROTECTION_STORAGE_MASKS, TtlvItem.integer(Tag.PROTECTION_STORAGE_MASK, hardware | software)))));
        assertThat(f.stored(ids[0]).attribute("Protection Storage Mask").orElseThrow().value().intValue()).isEqualTo(software);
    }

    @Test
    void createKeyPair_quantumSafe_isRefused() {
        KeysFixture f = withServerRandom(KmipVersion.V2_1);
        f.fails(ResultReason.GENERAL_FAILURE, Operation.CREATE_KEY_PAIR, f.createKeyPair(
                of(algorithm(CryptographicAlgorithm.RSA), length(4096), KmipAttribute.of(TtlvItem.bool(Tag.QUANTUM_SAFE, true))),
                of(mask(SIGN)), of(mask(VERIFY))));
    }

    private static TtlvItem with(TtlvItem payload, TtlvItem field) {
        java.util.List<TtlvItem> c = new java.util.ArrayList<>(payload.children());
        c.add(field);
        return TtlvItem.structure(payload.tag(), c);
    }
}
