package io.keyhold.server.ops.object;

import static io.keyhold.server.ops.object.Fixture.algorithm;
import static io.keyhold.server.ops.object.Fixture.length;
import static io.keyhold.server.ops.object.Fixture.mask;
import static io.keyhold.server.ops.object.Fixture.objectType;
import static io.keyhold.server.ops.object.Fixture.payload;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ProtectionStorageMask;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.RngAlgorithm;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.ops.AttributeRules;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attributes the server sets on what it makes: Random Number Generator (its own DRBG), Protection
 * Storage Mask (Software) and the Quantum Safe check.
 */
class GeneratedObjectAttributesTest {
    private static final TtlvItem X931 = TtlvItem.structure(Tag.RANDOM_NUMBER_GENERATOR,
            TtlvItem.enumeration(Tag.RNG_ALGORITHM, RngAlgorithm.ANSI_X9_31.value()),
            TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
            TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256));

    static Stream<KmipVersion> versions() {
        return Stream.of(KmipVersion.V1_0, KmipVersion.V1_2, KmipVersion.V1_3, KmipVersion.V1_4, KmipVersion.V2_0,
                KmipVersion.V2_1);
    }

    /** The object handlers over the server's own generator. */
    private static Fixture withServerRandom(KmipVersion version) {
        Fixture f = new Fixture(version);
        for (OperationHandler h : ObjectOperations.handlers(ServerRandom.get())) {
            f.handlers.put(h.operation(), h);
        }
        return f;
    }

    private static String create(Fixture f, TtlvItem... extra) throws KmipException {
        List<TtlvItem> attributes = new ArrayList<>(List.of(algorithm(CryptographicAlgorithm.AES), length(256), mask(12)));
        attributes.addAll(List.of(extra));
        return createWith(f, attributes, List.of());
    }

    private static String createWith(Fixture f, List<TtlvItem> attributes, List<TtlvItem> fields) throws KmipException {
        List<TtlvItem> p = new ArrayList<>();
        p.add(objectType(ObjectType.SYMMETRIC_KEY));
        p.add(f.attributes(attributes.toArray(TtlvItem[]::new)));
        p.addAll(fields);
        return f.run(Operation.CREATE, payload(p)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void create_reportsTheServersGenerator_inTheVersionsThatDefineTheAttribute(KmipVersion version) throws Exception {
        Fixture f = withServerRandom(version);
        StoredObject key = f.stored(create(f));
        Optional<KmipAttribute> rng = key.attribute("Random Number Generator");
        assertThat(rng.isPresent()).isEqualTo(version.compareTo(KmipVersion.V1_3) >= 0);
        if (rng.isPresent()) {
            assertThat(rng.get().value()).isEqualTo(ServerRandom.attribute(ServerRandom.parameters().orElseThrow()));
            assertThat(rng.get().value().children().get(0))
                    .isEqualTo(TtlvItem.enumeration(Tag.RNG_ALGORITHM, RngAlgorithm.DRBG.value()));
        }
    }

    @Test
    void create_withAGeneratorItCannotDescribe_reportsNone() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        java.security.SecureRandom sha1prng = java.security.SecureRandom.getInstance("SHA1PRNG");
        for (OperationHandler h : ObjectOperations.handlers(sha1prng)) {
            f.handlers.put(h.operation(), h);
        }
        assertThat(f.stored(create(f)).attribute("Random Number Generator")).isEmpty();
    }

    @Test
    void create_clientsGenerator_isReplacedByTheServers_theOneThatMadeTheKey() throws Exception {
        Fixture f = withServerRandom(KmipVersion.V2_1);
        StoredObject key = f.stored(create(f, X931));
        assertThat(key.attributes().stream().filter(a -> a.name().equals("Random Number Generator")).count()).isEqualTo(1);
        assertThat(key.attribute("Random Number Generator").orElseThrow().value().children())
                .isEqualTo(ServerRandom.parameters().orElseThrow().children());
    }

    @Test
    void register_getsNoGeneratorFromTheServer_butKeepsTheClients() throws Exception {
        Fixture f = withServerRandom(KmipVersion.V2_1);
        TtlvItem object = Fixture.rawKey(new byte[32], CryptographicAlgorithm.AES, 256);
        assertThat(f.stored(f.register(ObjectType.SYMMETRIC_KEY, object)).attribute("Random Number Generator")).isEmpty();
        assertThat(f.stored(f.register(ObjectType.SYMMETRIC_KEY, object, X931)).attribute("Random Number Generator")
                .orElseThrow().value()).isEqualTo(X931);
    }

    @Test
    void randomNumberGenerator_cannotBeAddedOrChangedByAClient() {
        KmipAttribute rng = KmipAttribute.of(X931);
        int key = ObjectType.SYMMETRIC_KEY.value();
        assertThat(reasonOf(() -> AttributeRules.checkModifiable(rng, key, KmipVersion.V2_1)))
                .isEqualTo(ResultReason.ATTRIBUTE_READ_ONLY);
        assertThat(reasonOf(() -> AttributeRules.checkModifiable(rng, key, KmipVersion.V1_4)))
                .isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(reasonOf(() -> AttributeRules.checkDeletable("Random Number Generator", KmipVersion.V2_1)))
                .isEqualTo(ResultReason.ATTRIBUTE_READ_ONLY);
    }

    private interface Check {
        void run() throws KmipException;
    }

    private static ResultReason reasonOf(Check c) {
        try {
            c.run();
            return null;
        } catch (KmipException e) {
            return e.reason();
        }
    }

    // --- Protection Storage Mask ---------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("versions")
    void everyNewObject_isInSoftwareStorage_from20(KmipVersion version) throws Exception {
        Fixture f = withServerRandom(version);
        boolean twoX = version.compareTo(KmipVersion.V2_0) >= 0;
        StoredObject created = f.stored(create(f));
        StoredObject registered = f.stored(f.register(ObjectType.SYMMETRIC_KEY,
                Fixture.rawKey(new byte[16], CryptographicAlgorithm.AES, 128)));
        for (StoredObject o : List.of(created, registered)) {
            assertThat(o.attribute("Protection Storage Mask").map(a -> a.value().intValue()))
                    .isEqualTo(twoX ? Optional.of(ProtectionStorageMask.SOFTWARE.value()) : Optional.empty());
        }
    }

    private static TtlvItem masks(int... values) {
        List<TtlvItem> m = new ArrayList<>();
        for (int v : values) {
            m.add(TtlvItem.integer(Tag.PROTECTION_STORAGE_MASK, v));
        }
        return TtlvItem.structure(Tag.PROTECTION_STORAGE_MASKS, m);
    }

    @Test
    void protectionStorageMasks_mustAllowSoftware() throws Exception {
        Fixture f = withServerRandom(KmipVersion.V2_1);
        int software = ProtectionStorageMask.SOFTWARE.value();
        int hardware = ProtectionStorageMask.HARDWARE.value();
        int onSystem = ProtectionStorageMask.ON_SYSTEM.value();
        List<TtlvItem> key = List.of(algorithm(CryptographicAlgorithm.AES), length(256));
        String id = createWith(f, key, List.of(masks(hardware, software | onSystem)));
        assertThat(f.stored(id).attribute("Protection Storage Mask").orElseThrow().value().intValue()).isEqualTo(software);

        TtlvItem hardwareOnly = payload(objectType(ObjectType.SYMMETRIC_KEY), f.attributes(key.toArray(TtlvItem[]::new)),
                masks(hardware, onSystem));
        f.fails(ResultReason.PROTECTION_STORAGE_UNAVAILABLE, Operation.CREATE, hardwareOnly);
        TtlvItem registerHardware = payload(objectType(ObjectType.SYMMETRIC_KEY), f.attributes(),
                Fixture.rawKey(new byte[16], CryptographicAlgorithm.AES, 128), masks(hardware));
        f.fails(ResultReason.PROTECTION_STORAGE_UNAVAILABLE, Operation.REGISTER, registerHardware);
        TtlvItem notAMask = payload(objectType(ObjectType.SYMMETRIC_KEY), f.attributes(key.toArray(TtlvItem[]::new)),
                TtlvItem.structure(Tag.PROTECTION_STORAGE_MASKS, TtlvItem.text(Tag.PROTECTION_STORAGE_MASK, "Software")));
        f.fails(ResultReason.INVALID_FIELD, Operation.CREATE, notAMask);
    }

    @Test
    void protectionStorageMaskAttribute_fromTheClient_mustAllowSoftware_andIsRecordedAsTheStorageUsed() throws Exception {
        Fixture f = withServerRandom(KmipVersion.V2_1);
        int software = ProtectionStorageMask.SOFTWARE.value();
        int hardware = ProtectionStorageMask.HARDWARE.value();
        String id = create(f, TtlvItem.integer(Tag.PROTECTION_STORAGE_MASK, software | hardware));
        assertThat(f.stored(id).attribute("Protection Storage Mask").orElseThrow().value().intValue()).isEqualTo(software);
        f.fails(ResultReason.PROTECTION_STORAGE_UNAVAILABLE, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(algorithm(CryptographicAlgorithm.AES), length(256),
                        TtlvItem.integer(Tag.PROTECTION_STORAGE_MASK, hardware))));
    }

    // --- Quantum Safe ---------------------------------------------------------------------------------------

    @Test
    void quantumSafe_aes128_isRefused_aes256_isCreatedQuantumSafe() throws Exception {
        for (KmipVersion v : List.of(KmipVersion.V2_0, KmipVersion.V2_1)) {
            Fixture f = withServerRandom(v);
            TtlvItem safe = TtlvItem.bool(Tag.QUANTUM_SAFE, true);
            KmipException e = f.fails(ResultReason.GENERAL_FAILURE, Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                    f.attributes(algorithm(CryptographicAlgorithm.AES), length(128), mask(12), safe)));
            assertThat(e.getMessage()).contains("AES-128", "not quantum safe");
            String id = create(f, safe);
            assertThat(f.stored(id).attribute("Quantum Safe").orElseThrow().value().booleanValue()).isTrue();
            // not asked for: an AES-128 key is made as before
            createWith(f, List.of(algorithm(CryptographicAlgorithm.AES), length(128), TtlvItem.bool(Tag.QUANTUM_SAFE, false)),
                    List.of());
            f.fails(ResultReason.GENERAL_FAILURE, Operation.REGISTER, payload(objectType(ObjectType.SYMMETRIC_KEY),
                    f.attributes(safe), Fixture.rawKey(new byte[16], CryptographicAlgorithm.AES, 128)));
        }
    }

    @Test
    void quantumSafe_onlySymmetricKeysOf256BitsOrMore() {
        int key = ObjectType.SYMMETRIC_KEY.value();
        assertThat(QuantumSafety.isQuantumSafe(key, CryptographicAlgorithm.AES.value(), 256)).isTrue();
        assertThat(QuantumSafety.isQuantumSafe(key, CryptographicAlgorithm.CHACHA20.value(), 256)).isTrue();
        assertThat(QuantumSafety.isQuantumSafe(key, CryptographicAlgorithm.HMAC_SHA512.value(), 512)).isTrue();
        assertThat(QuantumSafety.isQuantumSafe(key, CryptographicAlgorithm.AES.value(), 192)).isFalse();
        assertThat(QuantumSafety.isQuantumSafe(key, CryptographicAlgorithm.DES3.value(), 192)).isFalse();
        assertThat(QuantumSafety.isQuantumSafe(key, CryptographicAlgorithm.AES.value(), null)).isFalse();
        assertThat(QuantumSafety.isQuantumSafe(ObjectType.PRIVATE_KEY.value(), CryptographicAlgorithm.RSA.value(), 4096))
                .isFalse();
        assertThat(QuantumSafety.isQuantumSafe(ObjectType.SECRET_DATA.value(), null, 256)).isFalse();
    }
}
