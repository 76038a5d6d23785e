package io.keyhold.server.ops.object;

import static io.keyhold.server.ops.object.Fixture.algorithm;
import static io.keyhold.server.ops.object.Fixture.length;
import static io.keyhold.server.ops.object.Fixture.mask;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerMaintainedAttributesTest {
    private static KeyPair rsa;

    @BeforeAll
    static void generate() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
    }

    private static TtlvItem key(int tag, KeyFormatType format, byte[] material) {
        return TtlvItem.structure(tag, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                algorithm(CryptographicAlgorithm.RSA), length(2048)));
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @Test
    void create_keepsTheDefaultLeaseTime_inEveryVersion() throws Exception {
        for (KmipVersion v : new KmipVersion[] {KmipVersion.V1_0, KmipVersion.V1_3, KmipVersion.V2_1}) {
            Fixture f = new Fixture(v);
            StoredObject key = f.stored(f.createAes());
            assertThat(key.attribute("Lease Time").orElseThrow().value().intervalValue())
                    .as(v.toString()).isEqualTo(ObjectOperations.DEFAULT_LEASE_SECONDS);
        }
    }

    @Test
    void create_inTwoOne_setsShortUniqueIdentifierAndProtectionFlags() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        String uid = f.createAes();
        StoredObject key = f.stored(uid);
        assertThat(key.attribute("Short Unique Identifier").orElseThrow().value().bytesValue())
                .isEqualTo(sha256(uid.getBytes(StandardCharsets.UTF_8)));
        assertThat(key.attribute("Sensitive").orElseThrow().value().booleanValue()).isFalse();
        assertThat(key.attribute("Always Sensitive").orElseThrow().value().booleanValue()).isFalse();
        assertThat(key.attribute("Extractable").orElseThrow().value().booleanValue()).isTrue();
        assertThat(key.attribute("Never Extractable").orElseThrow().value().booleanValue()).isFalse();
    }

    @Test
    void keyFormatTypeAttribute_isTheStoredFormat_fromTwoZeroOnly() throws Exception {
        Fixture two = new Fixture(KmipVersion.V2_0);
        String uid = two.register(ObjectType.PRIVATE_KEY, key(Tag.PRIVATE_KEY, KeyFormatType.PKCS_8,
                rsa.getPrivate().getEncoded()), mask(1));
        assertThat(two.stored(uid).attribute("Key Format Type").orElseThrow().value().enumValue())
                .isEqualTo(KeyFormatType.PKCS_8.value());
        assertThat(two.stored(two.createAes()).attribute("Key Format Type").orElseThrow().value().enumValue())
                .isEqualTo(KeyFormatType.RAW.value());
        Fixture one = new Fixture(KmipVersion.V1_4);
        assertThat(one.stored(one.createAes()).attribute("Key Format Type")).isEmpty();
    }

    @Test
    void create_withClientFlags_recordsThemInAlwaysSensitiveAndNeverExtractable() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_4);
        StoredObject key = f.stored(f.createAes(TtlvItem.bool(Tag.SENSITIVE, true), TtlvItem.bool(Tag.EXTRACTABLE, false)));
        assertThat(key.attributes("Sensitive")).hasSize(1);
        assertThat(key.attribute("Always Sensitive").orElseThrow().value().booleanValue()).isTrue();
        assertThat(key.attributes("Extractable")).hasSize(1);
        assertThat(key.attribute("Never Extractable").orElseThrow().value().booleanValue()).isTrue();
        assertThat(key.attribute("Short Unique Identifier")).isEmpty();
    }

    @Test
    void create_beforeOneFour_hasNoProtectionFlags() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_3);
        StoredObject key = f.stored(f.createAes());
        assertThat(key.attribute("Sensitive")).isEmpty();
        assertThat(key.attribute("Always Sensitive")).isEmpty();
        assertThat(key.attribute("Never Extractable")).isEmpty();
    }

    @Test
    void register_rsaPrivateKeyAsPkcs8_digestsItsPkcs1Form() throws Exception {
        Fixture f = new Fixture(KmipVersion.V2_1);
        byte[] pkcs8 = rsa.getPrivate().getEncoded();
        String uid = f.register(ObjectType.PRIVATE_KEY, key(Tag.PRIVATE_KEY, KeyFormatType.PKCS_8, pkcs8), mask(1));
        TtlvItem digest = f.stored(uid).attribute("Digest").orElseThrow().value();
        byte[] pkcs1 = PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey().toASN1Primitive().getEncoded();
        assertThat(digest.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.PKCS_1.value());
        assertThat(digest.child(Tag.DIGEST_VALUE).orElseThrow().bytesValue()).isEqualTo(sha256(pkcs1));
        // the object itself stays as registered
        assertThat(ObjectStructures.keyFormatType(f.stored(uid).object())).contains(KeyFormatType.PKCS_8.value());
    }

    @Test
    void register_rsaPublicKeyAsX509_digestsItsPkcs1Form() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_2);
        byte[] spki = rsa.getPublic().getEncoded();
        String uid = f.register(ObjectType.PUBLIC_KEY, key(Tag.PUBLIC_KEY, KeyFormatType.X_509, spki), mask(2));
        TtlvItem digest = f.stored(uid).attribute("Digest").orElseThrow().value();
        byte[] pkcs1 = SubjectPublicKeyInfo.getInstance(spki).getPublicKeyData().getBytes();
        assertThat(digest.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.PKCS_1.value());
        assertThat(digest.child(Tag.DIGEST_VALUE).orElseThrow().bytesValue()).isEqualTo(sha256(pkcs1));
    }

    @Test
    void register_privateKeyWithUsagePeriodDates_isAccepted() throws Exception {
        for (KmipVersion v : new KmipVersion[] {KmipVersion.V1_2, KmipVersion.V2_1}) {
            Fixture f = new Fixture(v);
            String uid = f.register(ObjectType.PRIVATE_KEY, key(Tag.PRIVATE_KEY, KeyFormatType.PKCS_8,
                    rsa.getPrivate().getEncoded()), mask(1), TtlvItem.dateTime(Tag.PROCESS_START_DATE, Fixture.T0 + 3600),
                    TtlvItem.dateTime(Tag.PROTECT_STOP_DATE, Fixture.T0 - 3600));
            assertThat(f.stored(uid).attribute("Process Start Date").orElseThrow().value().dateTimeValue())
                    .isEqualTo(Fixture.T0 + 3600);
        }
    }
}
