package io.keyhold.server.ops.transfer;

import static io.keyhold.server.ops.transfer.TransferFixture.block;
import static io.keyhold.server.ops.transfer.TransferFixture.key;
import static io.keyhold.server.ops.transfer.TransferFixture.mask;
import static io.keyhold.server.ops.transfer.TransferFixture.material;
import static io.keyhold.server.ops.transfer.TransferFixture.payload;
import static io.keyhold.server.ops.transfer.TransferFixture.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.EncodingOption;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KeyWrapType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wrapping Methods MAC/sign and Encrypt then MAC/sign: on Get the MAC/Signature is checked with the JDK over
 * the exact bytes (the TTLV encoding of the clear Key Value, its Key Material bytes, or the encrypted bytes);
 * Register and Import check it when the caller holds the key.
 */
class MacWrappingTest {
    private static final int SIGN = 0x01;
    private static final int VERIFY = 0x02;
    private static final int ENCRYPT = 0x04;
    private static final int MAC_GENERATE = 0x80;
    private static final int MAC_VERIFY = 0x100;
    private static final byte[] HMAC_KEY = new byte[32];
    private static final byte[] SECRET = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            HMAC_KEY[i] = (byte) (0x40 + i);
        }
        Arrays.fill(SECRET, (byte) 0x5a);
    }

    static java.util.stream.Stream<KmipVersion> versions() {
        return java.util.stream.Stream.of(KmipVersion.V1_4, KmipVersion.V2_1);
    }

    /** An Active HMAC-SHA256 key with the given usage mask. */
    private static String hmacKey(TransferFixture f, int maskBits) throws Exception {
        String id = f.register(ObjectType.SYMMETRIC_KEY, key(Tag.SYMMETRIC_KEY, KeyFormatType.RAW,
                TtlvItem.bytes(Tag.KEY_MATERIAL, HMAC_KEY), CryptographicAlgorithm.HMAC_SHA256, 256), mask(maskBits));
        f.run(Operation.ACTIVATE, payload(uid(id)));
        return id;
    }

    /** A Key Wrapping Specification; null leaves a part out. */
    static TtlvItem spec(int method, String encryptionKey, String macKey, TtlvItem macParameters, Integer encoding) {
        List<TtlvItem> c = new ArrayList<>();
        c.add(TtlvItem.enumeration(Tag.WRAPPING_METHOD, method));
        if (encryptionKey != null) {
            c.add(TtlvItem.structure(Tag.ENCRYPTION_KEY_INFORMATION, uid(encryptionKey)));
        }
        if (macKey != null) {
            List<TtlvItem> info = new ArrayList<>(List.of(uid(macKey)));
            if (macParameters != null) {
                info.add(macParameters);
            }
            c.add(TtlvItem.structure(Tag.MAC_SIGNATURE_KEY_INFORMATION, info));
        }
        if (encoding != null) {
            c.add(TtlvItem.enumeration(Tag.ENCODING_OPTION, encoding));
        }
        return TtlvItem.structure(Tag.KEY_WRAPPING_SPECIFICATION, c);
    }

    private static byte[] hmacSha256(byte[] key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message);
    }

    /** The TTLV encoding of Key Value { Key Material (32 bytes) }, written out byte by byte (KMIP 1.4 section 9.1). */
    static byte[] keyValueTtlv(byte[] material32) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x42, 0x00, 0x45, 0x01, 0x00, 0x00, 0x00, 0x28}); // Key Value, Structure, 40 bytes
        out.writeBytes(new byte[] {0x42, 0x00, 0x43, 0x08, 0x00, 0x00, 0x00, 0x20}); // Key Material, Byte String, 32 bytes
        out.writeBytes(material32);
        return out.toByteArray();
    }

    private static TtlvItem data(TtlvItem object) {
        return block(object).child(Tag.KEY_WRAPPING_DATA).orElseThrow();
    }

    private static byte[] macOf(TtlvItem object) {
        return data(object).child(Tag.MAC_SIGNATURE).orElseThrow().bytesValue();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void get_macSignHmacSha256_macIsTheJdkHmacOverTheTtlvEncodedKeyValue(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String macKey = hmacKey(f, MAC_GENERATE);
        String id = f.createAes(12);
        byte[] raw = material(f.stored(id).object()).bytesValue();
        TtlvItem object = f.run(Operation.GET, payload(uid(id), spec(2, null, macKey, null, null))).child(Tag.SYMMETRIC_KEY)
                .orElseThrow();
        // the Key Value stays in clear
        assertThat(block(object).child(Tag.KEY_VALUE)).isEqualTo(block(f.stored(id).object()).child(Tag.KEY_VALUE));
        TtlvItem data = data(object);
        assertThat(data.child(Tag.WRAPPING_METHOD).orElseThrow().enumValue()).isEqualTo(2);
        assertThat(data.child(Tag.ENCRYPTION_KEY_INFORMATION)).isEmpty();
        assertThat(data.child(Tag.MAC_SIGNATURE_KEY_INFORMATION).orElseThrow().child(Tag.UNIQUE_IDENTIFIER).orElseThrow()
                .textValue()).isEqualTo(macKey);
        assertThat(macOf(object)).isEqualTo(hmacSha256(HMAC_KEY, keyValueTtlv(raw)));
        // the stored key is untouched
        assertThat(block(f.stored(id).object()).child(Tag.KEY_WRAPPING_DATA)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void get_macSignNoEncoding_macIsTheJdkHmacOverTheKeyMaterialBytes(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String macKey = hmacKey(f, MAC_GENERATE);
        String id = f.createAes(12);
        TtlvItem object = f.run(Operation.GET, payload(uid(id), spec(2, null, macKey, null, EncodingOption.NO_ENCODING.value())))
                .child(Tag.SYMMETRIC_KEY).orElseThrow();
        assertThat(data(object).child(Tag.ENCODING_OPTION).orElseThrow().enumValue()).isEqualTo(EncodingOption.NO_ENCODING.value());
        assertThat(macOf(object)).isEqualTo(hmacSha256(HMAC_KEY, material(f.stored(id).object()).bytesValue()));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void get_encryptThenMacAesKwHmac_unwrapsWithTheJdk_andTheMacIsOverTheWrappedBytes(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String kek = f.activeKek();
        String macKey = hmacKey(f, MAC_GENERATE | MAC_VERIFY);
        String id = f.createAes(12);
        TtlvItem object = f.run(Operation.GET, payload(uid(id), spec(3, kek, macKey, null, EncodingOption.NO_ENCODING.value())))
                .child(Tag.SYMMETRIC_KEY).orElseThrow();
        TtlvItem data = data(object);
        assertThat(data.child(Tag.WRAPPING_METHOD).orElseThrow().enumValue()).isEqualTo(3);
        assertThat(data.child(Tag.ENCRYPTION_KEY_INFORMATION).orElseThrow().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue())
                .isEqualTo(kek);
        byte[] wrapped = block(object).child(Tag.KEY_VALUE).orElseThrow().bytesValue();
        Cipher c = Cipher.getInstance("AES/KW/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(material(f.stored(kek).object()).bytesValue(), "AES"));
        assertThat(c.doFinal(wrapped)).isEqualTo(material(f.stored(id).object()).bytesValue());
        assertThat(macOf(object)).isEqualTo(hmacSha256(HMAC_KEY, wrapped));

        // Register of that object checks the MAC, then unwraps: the original key is stored
        String copy = f.register(ObjectType.SYMMETRIC_KEY, object);
        assertThat(f.stored(copy).object()).isEqualTo(f.stored(id).object());
    }

    private static TtlvItem pkcs1Sha256() {
        return TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PKCS1_V1_5.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()));
    }

    /** An RSA-2048 pair: the Public Key (Verify), the Private Key (Sign) with a Public Key Link; both Active. */
    private static String[] rsaPair(TransferFixture f, KeyPair pair) throws Exception {
        String pub = f.register(ObjectType.PUBLIC_KEY, key(Tag.PUBLIC_KEY, KeyFormatType.X_509,
                TtlvItem.bytes(Tag.KEY_MATERIAL, pair.getPublic().getEncoded()), CryptographicAlgorithm.RSA, 2048), mask(VERIFY));
        String priv = f.register(ObjectType.PRIVATE_KEY, key(Tag.PRIVATE_KEY, KeyFormatType.PKCS_8,
                TtlvItem.bytes(Tag.KEY_MATERIAL, pair.getPrivate().getEncoded()), CryptographicAlgorithm.RSA, 2048), mask(SIGN),
                TtlvItem.structure(Tag.LINK, TtlvItem.enumeration(Tag.LINK_TYPE, LinkType.PUBLIC_KEY_LINK.value()),
                        TtlvItem.text(Tag.LINKED_OBJECT_IDENTIFIER, pub)));
        f.run(Operation.ACTIVATE, payload(uid(pub)));
        f.run(Operation.ACTIVATE, payload(uid(priv)));
        return new String[] {priv, pub};
    }

    @Test
    void get_macSignWithRsa2048Pkcs1Sha256_verifiesWithTheJdk_andRegisterChecksItWithTheLinkedPublicKey() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        String priv = rsaPair(f, pair)[0];
        String id = f.createAes(12);
        TtlvItem object = f.run(Operation.GET, payload(uid(id), spec(2, null, priv, pkcs1Sha256(), null)))
                .child(Tag.SYMMETRIC_KEY).orElseThrow();
        assertThat(data(object).child(Tag.MAC_SIGNATURE_KEY_INFORMATION).orElseThrow().child(Tag.CRYPTOGRAPHIC_PARAMETERS))
                .contains(pkcs1Sha256());
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(pair.getPublic());
        s.update(keyValueTtlv(material(f.stored(id).object()).bytesValue()));
        assertThat(s.verify(macOf(object))).isTrue();

        String copy = f.register(ObjectType.SYMMETRIC_KEY, object);
        assertThat(f.stored(copy).object()).isEqualTo(f.stored(id).object());
        assertThat(KeyMaterial.secretBytes(f.stored(copy))).isEqualTo(material(f.stored(id).object()).bytesValue());

        TtlvItem forged = withMac(object, new byte[256]);
        long before = f.count();
        f.fails(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.REGISTER, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), forged));
        assertThat(f.count()).isEqualTo(before);
    }

    /** A Symmetric Key { SECRET } MAC'd by the JDK with HMAC-SHA256 under the key, as a client would send it. */
    static TtlvItem macWrappedByJdk(String macKeyUid, byte[] macKey) throws Exception {
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, SECRET)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256),
                TtlvItem.structure(Tag.KEY_WRAPPING_DATA, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 2),
                        TtlvItem.structure(Tag.MAC_SIGNATURE_KEY_INFORMATION, uid(macKeyUid)),
                        TtlvItem.bytes(Tag.MAC_SIGNATURE, hmacSha256(macKey, keyValueTtlv(SECRET))))));
    }

    static TtlvItem withMac(TtlvItem object, byte[] mac) {
        List<TtlvItem> data = new ArrayList<>();
        for (TtlvItem c : data(object).children()) {
            data.add(c.tag() == Tag.MAC_SIGNATURE ? TtlvItem.bytes(Tag.MAC_SIGNATURE, mac) : c);
        }
        List<TtlvItem> b = new ArrayList<>();
        for (TtlvItem c : block(object).children()) {
            b.add(c.tag() == Tag.KEY_WRAPPING_DATA ? TtlvItem.structure(Tag.KEY_WRAPPING_DATA, data) : c);
        }
        return TtlvItem.structure(object.tag(), TtlvItem.structure(Tag.KEY_BLOCK, b));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void register_macWrappedWithTheCallersKey_isVerifiedAndStoredClear(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String macKey = hmacKey(f, MAC_VERIFY);
        String id = f.register(ObjectType.SYMMETRIC_KEY, macWrappedByJdk(macKey, HMAC_KEY));
        assertThat(block(f.stored(id).object()).child(Tag.KEY_WRAPPING_DATA)).isEmpty();
        assertThat(KeyMaterial.secretBytes(f.stored(id))).isEqualTo(SECRET);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void register_tamperedMac_isCryptographicFailure_andNothingIsStored(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String macKey = hmacKey(f, MAC_VERIFY);
        TtlvItem good = macWrappedByJdk(macKey, HMAC_KEY);
        byte[] mac = macOf(good);
        mac[0] ^= 1;
        long before = f.count();
        f.fails(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.REGISTER, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), withMac(good, mac)));
        // a MAC made with another key is refused too
        f.fails(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.REGISTER, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), macWrappedByJdk(macKey, new byte[32])));
        assertThat(f.count()).isEqualTo(before);
    }

    @Test
    void register_macWrappedWithAKeyThisServerDoesNotHold_isStoredAsGiven() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        TtlvItem object = macWrappedByJdk("mac-key-held-elsewhere", new byte[32]);
        String id = f.register(ObjectType.SYMMETRIC_KEY, object);
        assertThat(f.stored(id).object()).isEqualTo(object);
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.GET, payload(uid(id),
                TtlvItem.enumeration(Tag.KEY_WRAP_TYPE, KeyWrapType.NOT_WRAPPED.value())));
    }

    @Test
    void import_asRegistered_checksTheMac_andNotWrappedStoresItClear() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        String macKey = hmacKey(f, MAC_VERIFY);
        TtlvItem good = macWrappedByJdk(macKey, HMAC_KEY);
        byte[] mac = macOf(good);
        mac[31] ^= (byte) 0x80;
        long before = f.count();
        f.fails(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.IMPORT, payload(uid("imported-1"),
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), withMac(good, mac)));
        assertThat(f.count()).isEqualTo(before);
        f.run(Operation.IMPORT, payload(uid("imported-2"), TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                good));
        assertThat(f.stored("imported-2").object()).isEqualTo(good);
        f.run(Operation.IMPORT, payload(uid("imported-3"), TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                TtlvItem.enumeration(Tag.KEY_WRAP_TYPE, KeyWrapType.NOT_WRAPPED.value()), good));
        assertThat(KeyMaterial.secretBytes(f.stored("imported-3"))).isEqualTo(SECRET);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void get_macKeyWithoutMacGenerate_isIncompatibleCryptographicUsageMask(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String verifyOnly = hmacKey(f, MAC_VERIFY | ENCRYPT);
        String id = f.createAes(12);
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.GET, payload(uid(id),
                spec(2, null, verifyOnly, null, null)));
        // and Register checks with MAC Verify
        String generateOnly = hmacKey(f, MAC_GENERATE);
        long before = f.count();
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.REGISTER, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), macWrappedByJdk(generateOnly, HMAC_KEY)));
        assertThat(f.count()).isEqualTo(before);
    }

    @Test
    void get_unsupportedOrIncompleteSpecifications_areRefusedWithTheirReasons() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        String kek = f.activeKek();
        String macKey = hmacKey(f, MAC_GENERATE);
        String id = f.createAes(12);
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.GET, payload(uid(id), spec(4, kek, macKey, null, null)));
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.GET, payload(uid(id), spec(5, kek, null, null, null)));
        f.fails(ResultReason.MISSING_DATA, Operation.GET, payload(uid(id), spec(2, null, null, null, null)));
        f.fails(ResultReason.MISSING_DATA, Operation.GET, payload(uid(id), spec(3, kek, null, null, null)));
        f.fails(ResultReason.MISSING_DATA, Operation.GET, payload(uid(id), spec(3, null, macKey, null, null)));
        f.fails(ResultReason.INVALID_FIELD, Operation.GET, payload(uid(id), spec(2, kek, macKey, null, null)));
        f.fails(ResultReason.INVALID_FIELD, Operation.GET, payload(uid(id), spec(1, kek, macKey, null, null)));
        // an AES key-encryption key cannot sign; it has no MAC Generate either
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.GET, payload(uid(id), spec(2, null, kek, null, null)));
        f.fails(ResultReason.WRAPPING_OBJECT_NOT_FOUND, Operation.GET, payload(uid(id), spec(2, null, "no-such-key", null, null)));
        // MAC/sign leaves the Key Value in clear: a Sensitive key is not returned that way
        String sensitive = f.createAes(12, TtlvItem.bool(Tag.SENSITIVE, true));
        f.fails(ResultReason.SENSITIVE, Operation.GET, payload(uid(sensitive), spec(2, null, macKey, null, null)));
        assertThat(block(f.run(Operation.GET, payload(uid(sensitive), spec(3, kek, macKey, null, null)))
                .child(Tag.SYMMETRIC_KEY).orElseThrow()).child(Tag.KEY_WRAPPING_DATA)).isPresent();
    }
}
