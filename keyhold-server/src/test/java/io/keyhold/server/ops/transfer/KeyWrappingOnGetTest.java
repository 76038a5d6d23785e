package io.keyhold.server.ops.transfer;

import static io.keyhold.server.ops.transfer.TransferFixture.block;
import static io.keyhold.server.ops.transfer.TransferFixture.key;
import static io.keyhold.server.ops.transfer.TransferFixture.material;
import static io.keyhold.server.ops.transfer.TransferFixture.payload;
import static io.keyhold.server.ops.transfer.TransferFixture.uid;
import static io.keyhold.server.ops.transfer.TransferFixture.wrapping;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.EncodingOption;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Get with a Key Wrapping Specification: the wrapped bytes unwrap with the JDK; every refusal has its reason. */
class KeyWrappingOnGetTest {

    static java.util.stream.Stream<KmipVersion> versions() {
        return java.util.stream.Stream.of(KmipVersion.V1_4, KmipVersion.V2_1);
    }

    private static byte[] raw(TransferFixture f, String id) throws Exception {
        return material(f.stored(id).object()).bytesValue();
    }

    private static SecretKeySpec kek(TransferFixture f, String id) throws Exception {
        return new SecretKeySpec(raw(f, id), "AES");
    }

    private static TtlvItem getWrapped(TransferFixture f, String id, TtlvItem spec, TtlvItem... more) throws Exception {
        java.util.List<TtlvItem> c = new java.util.ArrayList<>(java.util.List.of(uid(id)));
        c.addAll(java.util.List.of(more));
        c.add(spec);
        return f.run(Operation.GET, payload(c));
    }

    @ParameterizedTest
    @MethodSource("io.keyhold.server.ops.transfer.KeyWrappingOnGetTest#versions")
    void get_aesKeyWrapNoEncoding_unwrapsWithTheJdkToTheOriginalBytes(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String kek = f.activeKek();
        String id = f.createAes(12);
        TtlvItem response = getWrapped(f, id, wrapping(kek, null, EncodingOption.NO_ENCODING.value()));
        TtlvItem b = block(response.child(Tag.SYMMETRIC_KEY).orElseThrow());
        assertThat(b.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.RAW.value());
        TtlvItem data = b.child(Tag.KEY_WRAPPING_DATA).orElseThrow();
        assertThat(data.child(Tag.WRAPPING_METHOD).orElseThrow().enumValue()).isEqualTo(1);
        assertThat(data.child(Tag.ENCRYPTION_KEY_INFORMATION).orElseThrow().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue())
                .isEqualTo(kek);
        assertThat(data.child(Tag.ENCODING_OPTION).orElseThrow().enumValue()).isEqualTo(EncodingOption.NO_ENCODING.value());
        byte[] wrapped = b.child(Tag.KEY_VALUE).orElseThrow().bytesValue();
        Cipher c = Cipher.getInstance("AES/KW/NoPadding");
        c.init(Cipher.UNWRAP_MODE, kek(f, kek));
        Key unwrapped = c.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
        assertThat(unwrapped.getEncoded()).isEqualTo(raw(f, id));
        // the stored key is untouched
        assertThat(f.stored(id).object().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_WRAPPING_DATA)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("io.keyhold.server.ops.transfer.KeyWrappingOnGetTest#versions")
    void get_ttlvEncodingWithAttributes_wrapsTheKeyValueWithTheNamedAttributes(KmipVersion v) throws Exception {
        TransferFixture f = new TransferFixture(v);
        String kek = f.activeKek();
        String id = f.createAes(12);
        TtlvItem response = getWrapped(f, id, wrapping(kek, null, null, "Cryptographic Usage Mask"));
        TtlvItem b = block(response.child(Tag.SYMMETRIC_KEY).orElseThrow());
        // no Encoding Option asked: TTLV Encoding, and the Key Wrapping Data leaves it out as the request did
        assertThat(b.child(Tag.KEY_WRAPPING_DATA).orElseThrow().child(Tag.ENCODING_OPTION)).isEmpty();
        Cipher c = Cipher.getInstance("AES/KW/NoPadding");
        c.init(Cipher.DECRYPT_MODE, kek(f, kek));
        TtlvItem keyValue = new TtlvDecoder().decode(c.doFinal(b.child(Tag.KEY_VALUE).orElseThrow().bytesValue()));
        assertThat(keyValue.tag()).isEqualTo(Tag.KEY_VALUE);
        assertThat(keyValue.child(Tag.KEY_MATERIAL).orElseThrow().bytesValue()).isEqualTo(raw(f, id));
        if (v.isTwoOrLater()) {
            TtlvItem attributes = keyValue.child(Tag.ATTRIBUTES).orElseThrow();
            assertThat(attributes.child(Tag.CRYPTOGRAPHIC_USAGE_MASK).orElseThrow().intValue()).isEqualTo(12);
        } else {
            TtlvItem attribute = keyValue.child(Tag.ATTRIBUTE).orElseThrow();
            assertThat(attribute.child(Tag.ATTRIBUTE_NAME).orElseThrow().textValue()).isEqualTo("Cryptographic Usage Mask");
            assertThat(attribute.child(Tag.ATTRIBUTE_VALUE).orElseThrow().intValue()).isEqualTo(12);
        }
    }

    @Test
    void get_privateKeyAsPkcs1WithKeyWrapPadding_unwrapsToThePkcs1Bytes() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        String kek = f.activeKek();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        String id = f.register(ObjectType.PRIVATE_KEY, key(Tag.PRIVATE_KEY, KeyFormatType.PKCS_8,
                TtlvItem.bytes(Tag.KEY_MATERIAL, pair.getPrivate().getEncoded()), CryptographicAlgorithm.RSA, 2048));
        TtlvItem params = TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.AESKEYWRAPPADDING.value()));
        TtlvItem response = getWrapped(f, id, wrapping(kek, params, EncodingOption.NO_ENCODING.value()),
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.PKCS_1.value()));
        TtlvItem b = block(response.child(Tag.PRIVATE_KEY).orElseThrow());
        assertThat(b.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.PKCS_1.value());
        assertThat(b.child(Tag.KEY_WRAPPING_DATA).orElseThrow().child(Tag.ENCRYPTION_KEY_INFORMATION).orElseThrow()
                .child(Tag.CRYPTOGRAPHIC_PARAMETERS)).contains(params);
        Cipher c = Cipher.getInstance("AES/KWP/NoPadding");
        c.init(Cipher.DECRYPT_MODE, kek(f, kek));
        byte[] pkcs1 = c.doFinal(b.child(Tag.KEY_VALUE).orElseThrow().bytesValue());
        assertThat(org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(pkcs1).getModulus())
                .isEqualTo(((java.security.interfaces.RSAPrivateKey) pair.getPrivate()).getModulus());
    }

    @Test
    void get_aesGcm_returnsTheIv_andTheJdkDecryptsTheKeyValue() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        String kek = f.activeKek();
        String id = f.createAes(12);
        TtlvItem params = TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, BlockCipherMode.GCM.value()));
        TtlvItem b = block(getWrapped(f, id, wrapping(kek, params, null)).child(Tag.SYMMETRIC_KEY).orElseThrow());
        byte[] iv = b.child(Tag.KEY_WRAPPING_DATA).orElseThrow().child(Tag.IV_COUNTER_NONCE).orElseThrow().bytesValue();
        assertThat(iv).hasSize(12);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, kek(f, kek), new GCMParameterSpec(128, iv));
        TtlvItem keyValue = new TtlvDecoder().decode(c.doFinal(b.child(Tag.KEY_VALUE).orElseThrow().bytesValue()));
        assertThat(keyValue.child(Tag.KEY_MATERIAL).orElseThrow().bytesValue()).isEqualTo(raw(f, id));
    }

    @Test
    void get_rsaOaepWithAPublicKey_unwrapsWithTheJdkPrivateKey() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V1_4);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        String pub = f.register(ObjectType.PUBLIC_KEY, key(Tag.PUBLIC_KEY, KeyFormatType.X_509,
                TtlvItem.bytes(Tag.KEY_MATERIAL, pair.getPublic().getEncoded()), CryptographicAlgorithm.RSA, 2048),
                TransferFixture.mask(0x10));
        f.run(Operation.ACTIVATE, payload(uid(pub)));
        String id = f.createAes(12);
        TtlvItem params = TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.OAEP.value()),
                TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()));
        TtlvItem b = block(getWrapped(f, id, wrapping(pub, params, EncodingOption.NO_ENCODING.value()))
                .child(Tag.SYMMETRIC_KEY).orElseThrow());
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.UNWRAP_MODE, pair.getPrivate(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA1,
                PSource.PSpecified.DEFAULT));
        assertThat(c.unwrap(b.child(Tag.KEY_VALUE).orElseThrow().bytesValue(), "AES", Cipher.SECRET_KEY).getEncoded())
                .isEqualTo(raw(f, id));
    }

    @Test
    void get_wrappingKeyRefusals_haveTheirReasons() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        String id = f.createAes(12);
        String noWrapUsage = f.createAes(12);
        f.run(Operation.ACTIVATE, payload(uid(noWrapUsage)));
        f.fails(ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK, Operation.GET, payload(uid(id), wrapping(noWrapUsage, null, null)));
        String preActive = f.createAes(0x30);
        f.fails(ResultReason.WRONG_KEY_LIFECYCLE_STATE, Operation.GET, payload(uid(id), wrapping(preActive, null, null)));
        f.fails(ResultReason.WRAPPING_OBJECT_NOT_FOUND, Operation.GET, payload(uid(id), wrapping("no-such-key", null, null)));
        String destroyed = f.createAes(0x30);
        f.run(Operation.DESTROY, payload(uid(destroyed)));
        f.fails(ResultReason.WRAPPING_OBJECT_DESTROYED, Operation.GET, payload(uid(id), wrapping(destroyed, null, null)));
        String archived = f.activeKek();
        f.run(Operation.ARCHIVE, payload(uid(archived)));
        f.fails(ResultReason.WRAPPING_OBJECT_ARCHIVED, Operation.GET, payload(uid(id), wrapping(archived, null, null)));
        f.client = "client2";
        String othersKek = f.activeKek();
        f.client = "client1";
        f.fails(ResultReason.WRAPPING_OBJECT_NOT_FOUND, Operation.GET, payload(uid(id), wrapping(othersKek, null, null)));

        String kek = f.activeKek();
        f.fails(ResultReason.ENCODING_OPTION_ERROR, Operation.GET, payload(uid(id),
                wrapping(kek, null, EncodingOption.NO_ENCODING.value(), "Name")));
        f.fails(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, Operation.GET, payload(uid(id), wrapping(kek,
                TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE,
                        BlockCipherMode.CBC.value())), null)));
        // MAC/sign needs its MAC/Signature Key Information; MAC/sign then encrypt is not supported (MacWrappingTest)
        f.fails(ResultReason.MISSING_DATA, Operation.GET, payload(uid(id), TtlvItem.structure(
                Tag.KEY_WRAPPING_SPECIFICATION, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 2))));
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.GET, payload(uid(id), TtlvItem.structure(
                Tag.KEY_WRAPPING_SPECIFICATION, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 4))));
        String hmac = f.register(ObjectType.SYMMETRIC_KEY, key(Tag.SYMMETRIC_KEY, KeyFormatType.RAW,
                TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[32]), CryptographicAlgorithm.HMAC_SHA256, 256), TransferFixture.mask(0x10));
        f.run(Operation.ACTIVATE, payload(uid(hmac)));
        f.fails(ResultReason.INVALID_OBJECT_TYPE, Operation.GET, payload(uid(id), wrapping(hmac, null, null)));
    }

    @Test
    void get_sensitiveKey_onlyWrapped_andNotExtractableKey_never() throws Exception {
        TransferFixture f = new TransferFixture(KmipVersion.V2_1);
        String kek = f.activeKek();
        String sensitive = f.createAes(12, TtlvItem.bool(Tag.SENSITIVE, true));
        f.fails(ResultReason.SENSITIVE, Operation.GET, payload(uid(sensitive)));
        assertThat(block(getWrapped(f, sensitive, wrapping(kek, null, null)).child(Tag.SYMMETRIC_KEY).orElseThrow())
                .child(Tag.KEY_WRAPPING_DATA)).isPresent();
        String locked = f.createAes(12, TtlvItem.bool(Tag.EXTRACTABLE, false));
        f.fails(ResultReason.NOT_EXTRACTABLE, Operation.GET, payload(uid(locked)));
        f.fails(ResultReason.NOT_EXTRACTABLE, Operation.GET, payload(uid(locked), wrapping(kek, null, null)));
    }
}
