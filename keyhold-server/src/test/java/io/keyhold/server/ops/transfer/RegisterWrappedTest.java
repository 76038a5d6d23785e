package io.keyhold.server.ops.transfer;

import static io.keyhold.server.ops.transfer.TransferFixture.block;
import static io.keyhold.server.ops.transfer.TransferFixture.key;
import static io.keyhold.server.ops.transfer.TransferFixture.material;
import static io.keyhold.server.ops.transfer.TransferFixture.payload;
import static io.keyhold.server.ops.transfer.TransferFixture.uid;
import static io.keyhold.server.ops.transfer.TransferFixture.wrapping;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KeyWrapType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Register of wrapped key material. Chosen behaviour: when the Key Wrapping Data names a key of the caller's,
 * the server unwraps (the key needs Unwrap Key) and stores the clear Key Block; otherwise it stores the Key
 * Block as given.
 */
class RegisterWrappedTest {
    private static final byte[] SECRET = new byte[32];

    static {
        Arrays.fill(SECRET, (byte) 0x5a);
    }

    /** A Symmetric Key whose TTLV-encoded Key Value is wrapped by the JDK's AES Key Wrap under the KEK. */
    static TtlvItem wrappedByJdk(byte[] kek, String kekUid) throws Exception {
        byte[] keyValue = new TtlvEncoder().encode(TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, SECRET)));
        Cipher c = Cipher.getInstance("AES/KW/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"));
        byte[] wrapped = c.doFinal(keyValue);
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.bytes(Tag.KEY_VALUE, wrapped),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256),
                TtlvItem.structure(Tag.KEY_WRAPPING_DATA, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 1),
                        TtlvItem.structure(Tag.ENCRYPTION_KEY_INFORMATION, uid(kekUid)))));
    }

    @Test
    void register_wrappedWithTheCallersKey_isUnwrappedAndStoredClear() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        String kek = f.activeKek();
        String id = f.register(ObjectType.SYMMETRIC_KEY, wrappedByJdk(material(f.stored(kek).object()).bytesValue(), kek));
        TtlvItem stored = f.stored(id).object();
        assertThat(block(stored).child(Tag.KEY_WRAPPING_DATA)).isEmpty();
        assertThat(material(stored).bytesValue()).isEqualTo(SECRET);
        assertThat(KeyMaterial.secretBytes(f.stored(id))).isEqualTo(SECRET);
        assertThat(f.stored(id).attribute("Cryptographic Length").orElseThrow().value().intValue()).isEqualTo(256);
    }

    @Test
    void register_wrappedWithAKeyThisServerDoesNotHold_isStoredAsGiven() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V1_4);
        TtlvItem object = wrappedByJdk(new byte[32], "kek-held-elsewhere");
        String id = f.register(ObjectType.SYMMETRIC_KEY, object);
        assertThat(f.stored(id).object()).isEqualTo(object);
        assertThat(f.run(Operation.GET, payload(uid(id))).child(Tag.SYMMETRIC_KEY)).contains(object);
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.GET, payload(uid(id),
                TtlvItem.enumeration(Tag.KEY_WRAP_TYPE, KeyWrapType.NOT_WRAPPED.value())));
        f.fails(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, Operation.GET, payload(uid(id),
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value())));
        // another owner's key of that name is not used either
        f.client = "client2";
        String othersKek = f.activeKek();
        f.client = "client1";
        String second = f.register(ObjectType.SYMMETRIC_KEY, wrappedByJdk(new byte[32], othersKek));
        assertThat(block(f.stored(second).object()).child(Tag.KEY_WRAPPING_DATA)).isPresent();
    }

    @Test
    void register_wrappedWithAKeyLackingUnwrapKey_orTampered_isRefusedAndNothingIsStored() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        String wrapOnly = f.createAes(0x10);
        f.run(Operation.ACTIVATE, payload(uid(wrapOnly)));
        long before = f.count();
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.REGISTER, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                wrappedByJdk(material(f.stored(wrapOnly).object()).bytesValue(), wrapOnly)));
        String kek = f.activeKek();
        before = f.count();
        f.fails(ResultReason.CRYPTOGRAPHIC_FAILURE, Operation.REGISTER, payload(
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), wrappedByJdk(new byte[32], kek)));
        assertThat(f.count()).isEqualTo(before);
    }

    @Test
    void register_ofAKeyGetReturnedWrapped_storesTheOriginalMaterial() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V1_4);
        String kek = f.activeKek();
        String id = f.createAes(12);
        TtlvItem wrapped = f.run(Operation.GET, payload(uid(id), wrapping(kek, null, null))).child(Tag.SYMMETRIC_KEY).orElseThrow();
        String copy = f.register(ObjectType.SYMMETRIC_KEY, wrapped);
        assertThat(f.stored(copy).object()).isEqualTo(f.stored(id).object());
    }

    @Test
    void register_privateKeyInPkcs1_isUsableThroughKeyMaterial() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair pair = g.generateKeyPair();
        String pkcs8 = f.register(ObjectType.PRIVATE_KEY, key(Tag.PRIVATE_KEY, KeyFormatType.PKCS_8,
                TtlvItem.bytes(Tag.KEY_MATERIAL, pair.getPrivate().getEncoded()), CryptographicAlgorithm.RSA, 2048));
        TtlvItem asPkcs1 = f.run(Operation.GET, payload(uid(pkcs8), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                KeyFormatType.PKCS_1.value()))).child(Tag.PRIVATE_KEY).orElseThrow();
        TtlvItem asTransparent = f.run(Operation.GET, payload(uid(pkcs8), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                KeyFormatType.TRANSPARENT_RSA_PRIVATE_KEY.value()))).child(Tag.PRIVATE_KEY).orElseThrow();
        String fromPkcs1 = f.register(ObjectType.PRIVATE_KEY, asPkcs1);
        String fromTransparent = f.register(ObjectType.PRIVATE_KEY, asTransparent);
        assertThat(KeyMaterial.privateKey(f.stored(fromPkcs1), "RSA")).isEqualTo(pair.getPrivate());
        assertThat(KeyMaterial.privateKey(f.stored(fromTransparent), "RSA")).isEqualTo(pair.getPrivate());
        // the default format of Get stays the stored one
        assertThat(block(f.run(Operation.GET, payload(uid(fromPkcs1))).child(Tag.PRIVATE_KEY).orElseThrow())
                .child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.PKCS_1.value());

        String pub = f.register(ObjectType.PUBLIC_KEY, key(Tag.PUBLIC_KEY, KeyFormatType.X_509,
                TtlvItem.bytes(Tag.KEY_MATERIAL, pair.getPublic().getEncoded()), CryptographicAlgorithm.RSA, 2048));
        TtlvItem pubTransparent = f.run(Operation.GET, payload(uid(pub), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                KeyFormatType.TRANSPARENT_RSA_PUBLIC_KEY.value()))).child(Tag.PUBLIC_KEY).orElseThrow();
        assertThat(KeyMaterial.publicKey(f.stored(f.register(ObjectType.PUBLIC_KEY, pubTransparent)), "RSA"))
                .isEqualTo(pair.getPublic());
        f.fails(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, Operation.GET, payload(uid(pub),
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value())));
        f.fails(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, Operation.GET, payload(uid(f.createAes(12)),
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.PKCS_8.value())));
    }

    @Test
    void register_ecPrivateKeyInTransparentForm_isUsableThroughKeyMaterial() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        java.security.KeyPair pair = g.generateKeyPair();
        java.security.interfaces.ECPrivateKey jdk = (java.security.interfaces.ECPrivateKey) pair.getPrivate();
        TtlvItem transparent = key(Tag.PRIVATE_KEY, KeyFormatType.TRANSPARENT_EC_PRIVATE_KEY, TtlvItem.structure(Tag.KEY_MATERIAL,
                TtlvItem.enumeration(Tag.RECOMMENDED_CURVE, io.keyhold.protocol.spec.RecommendedCurve.P_384.value()),
                TtlvItem.bigInteger(Tag.D, jdk.getS())), CryptographicAlgorithm.EC, 384);
        String id = f.register(ObjectType.PRIVATE_KEY, transparent);
        assertThat(((java.security.interfaces.ECPrivateKey) KeyMaterial.privateKey(f.stored(id), "EC")).getS()).isEqualTo(jdk.getS());
        TtlvItem sec1 = f.run(Operation.GET, payload(uid(id), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                KeyFormatType.ECPRIVATEKEY.value()))).child(Tag.PRIVATE_KEY).orElseThrow();
        assertThat(org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(material(sec1).bytesValue()).getKey()).isEqualTo(jdk.getS());
    }

    @Test
    void register_wrappedWithAnRsaPublicKey_isUnwrappedWithItsLinkedPrivateKey() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair pair = g.generateKeyPair();
        String priv = f.register(ObjectType.PRIVATE_KEY, key(Tag.PRIVATE_KEY, KeyFormatType.PKCS_8,
                TtlvItem.bytes(Tag.KEY_MATERIAL, pair.getPrivate().getEncoded()), CryptographicAlgorithm.RSA, 2048),
                TransferFixture.mask(0x20));
        String pub = f.register(ObjectType.PUBLIC_KEY, key(Tag.PUBLIC_KEY, KeyFormatType.X_509,
                TtlvItem.bytes(Tag.KEY_MATERIAL, pair.getPublic().getEncoded()), CryptographicAlgorithm.RSA, 2048),
                TransferFixture.mask(0x10), TtlvItem.structure(Tag.LINK,
                        TtlvItem.enumeration(Tag.LINK_TYPE, io.keyhold.protocol.spec.LinkType.PRIVATE_KEY_LINK.value()),
                        TtlvItem.text(Tag.LINKED_OBJECT_IDENTIFIER, priv)));
        f.run(Operation.ACTIVATE, payload(uid(priv)));
        f.run(Operation.ACTIVATE, payload(uid(pub)));
        String id = f.createAes(12);
        TtlvItem wrapped = f.run(Operation.GET, payload(uid(id), wrapping(pub, null, null))).child(Tag.SYMMETRIC_KEY).orElseThrow();
        assertThat(block(wrapped).child(Tag.KEY_WRAPPING_DATA)).isPresent();
        String copy = f.register(ObjectType.SYMMETRIC_KEY, wrapped);
        assertThat(f.stored(copy).object()).isEqualTo(f.stored(id).object());
    }
}
