package io.keyhold.server.interop;

import static io.keyhold.server.testing.KmipAssertions.fails;
import static io.keyhold.server.testing.Payloads.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.EncodingOption;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Key Format Type conversion, key wrapping, Import and Export over real mutual TLS, in KMIP 1.4 and 2.1. */
class TransferEndToEndTest {
    private static final KmipVersion V14 = KmipVersion.V1_4;
    private static final KmipVersion V21 = KmipVersion.V2_1;
    private static LiveServer server;
    private KmipTestClient c;

    @BeforeAll
    static void start() throws Exception {
        server = LiveServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() throws Exception {
        c = server.client("client1");
    }

    @AfterEach
    void disconnect() throws Exception {
        c.close();
    }

    private String key(KmipVersion v, int mask, boolean activate) throws Exception {
        String id = c.ok(v, Operation.CREATE, create(v, algorithm(CryptographicAlgorithm.AES), length(256), usageMask(mask))).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        if (activate) {
            c.ok(v, Operation.ACTIVATE, withUid(id));
        }
        return id;
    }

    private static TtlvItem spec(String kek, int encoding) {
        return TtlvItem.structure(Tag.KEY_WRAPPING_SPECIFICATION, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 1),
                TtlvItem.structure(Tag.ENCRYPTION_KEY_INFORMATION, uid(kek)), TtlvItem.enumeration(Tag.ENCODING_OPTION, encoding));
    }

    private static byte[] material(TtlvItem object) {
        return object.child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow()
                .bytesValue();
    }

    @Test
    void getWrapped_unwrapsWithTheJdk_inBothVersions() throws Exception {
        for (KmipVersion v : List.of(V14, V21)) {
            String kek = key(v, 0x30, true);
            String id = key(v, 12, false);
            byte[] clear = material(c.ok(v, Operation.GET, withUid(id)).child(Tag.SYMMETRIC_KEY).orElseThrow());
            byte[] kekBytes = material(c.ok(v, Operation.GET, withUid(kek)).child(Tag.SYMMETRIC_KEY).orElseThrow());
            TtlvItem wrapped = c.ok(v, Operation.GET, payload(uid(id), spec(kek, EncodingOption.NO_ENCODING.value())))
                    .child(Tag.SYMMETRIC_KEY).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow();
            Cipher cipher = Cipher.getInstance("AES/KW/NoPadding");
            cipher.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kekBytes, "AES"));
            assertThat(cipher.unwrap(wrapped.child(Tag.KEY_VALUE).orElseThrow().bytesValue(), "AES", Cipher.SECRET_KEY).getEncoded())
                    .isEqualTo(clear);
        }
    }

    @Test
    void wrappingRefusals_haveTheReasonOfEachVersion() throws Exception {
        String id = key(V21, 12, false);
        String noWrap = key(V21, 12, true);
        fails(c.call(V21, Operation.GET, payload(uid(id), spec(noWrap, 1))), ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK);
        fails(c.call(V14, Operation.GET, payload(uid(id), spec(noWrap, 1))), ResultReason.PERMISSION_DENIED);
        String othersKek;
        try (KmipTestClient other = server.client("client2")) {
            othersKek = other.ok(V21, Operation.CREATE, create(V21, algorithm(CryptographicAlgorithm.AES), length(256), usageMask(0x30))).child(Tag.UNIQUE_IDENTIFIER)
                    .orElseThrow().textValue();
            other.ok(V21, Operation.ACTIVATE, withUid(othersKek));
        }
        fails(c.call(V21, Operation.GET, payload(uid(id), spec(othersKek, 1))), ResultReason.WRAPPING_OBJECT_NOT_FOUND);
        fails(c.call(V14, Operation.GET, payload(uid(id), spec(othersKek, 1))), ResultReason.ITEM_NOT_FOUND);
        String preActive = key(V21, 0x30, false);
        fails(c.call(V21, Operation.GET, payload(uid(id), spec(preActive, 1))), ResultReason.WRONG_KEY_LIFECYCLE_STATE);
    }

    @Test
    void registeredRsaKey_convertsToPkcs1AndTransparent() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        RSAPrivateCrtKey jdk = (RSAPrivateCrtKey) pair.getPrivate();
        TtlvItem privateKey = TtlvItem.structure(Tag.PRIVATE_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.PKCS_8.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, jdk.getEncoded())),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.RSA.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 2048)));
        for (KmipVersion v : List.of(V14, V21)) {
            String id = c.ok(v, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.PRIVATE_KEY.value()),
                    attributes(v, List.of(usageMask(1))), privateKey)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            TtlvItem pkcs1 = c.ok(v, Operation.GET, payload(uid(id), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                    KeyFormatType.PKCS_1.value()))).child(Tag.PRIVATE_KEY).orElseThrow();
            assertThat(org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(material(pkcs1)).getModulus()).isEqualTo(jdk.getModulus());
            TtlvItem transparent = c.ok(v, Operation.GET, payload(uid(id), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                    KeyFormatType.TRANSPARENT_RSA_PRIVATE_KEY.value()))).child(Tag.PRIVATE_KEY).orElseThrow();
            TtlvItem m = transparent.child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL)
                    .orElseThrow();
            assertThat(m.child(Tag.PRIVATE_EXPONENT).orElseThrow().bigIntegerValue()).isEqualTo(jdk.getPrivateExponent());
            fails(c.call(v, Operation.GET, payload(uid(id), TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                    KeyFormatType.ECPRIVATEKEY.value()))), ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED);
        }
    }

    @Test
    void exportAndImport_inBothVersions() throws Exception {
        for (KmipVersion v : List.of(V14, V21)) {
            String id = key(v, 12, true);
            TtlvItem exported = c.ok(v, Operation.EXPORT, withUid(id));
            TtlvItem object = exported.child(Tag.SYMMETRIC_KEY).orElseThrow();
            List<KmipAttribute> attrs = v.isTwoOrLater()
                    ? AttributeMapping.fromAttributes(exported.child(Tag.ATTRIBUTES).orElseThrow())
                    : AttributeMapping.fromTemplateAttribute(exported.child(Tag.TEMPLATE_ATTRIBUTE).orElseThrow());
            String newUid = "e2e-import-" + v;
            List<TtlvItem> importFields = new ArrayList<>(List.of(uid(newUid),
                    TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), attributes(v, attrs), object));
            c.ok(v, Operation.IMPORT, payload(importFields.toArray(new TtlvItem[0])));
            assertThat(c.ok(v, Operation.GET, withUid(newUid)).child(Tag.SYMMETRIC_KEY)).contains(object);
            fails(c.call(v, Operation.IMPORT, payload(importFields.toArray(new TtlvItem[0]))), ResultReason.OBJECT_ALREADY_EXISTS);
            try (KmipTestClient other = server.client("client2")) {
                List<TtlvItem> replace = new ArrayList<>(importFields);
                replace.add(1, TtlvItem.bool(Tag.REPLACE_EXISTING, true));
                fails(other.call(v, Operation.IMPORT, payload(replace.toArray(new TtlvItem[0]))), v.isTwoOrLater() ? ResultReason.OBJECT_NOT_FOUND : ResultReason.ITEM_NOT_FOUND);
                fails(other.call(v, Operation.EXPORT, withUid(newUid)), v.isTwoOrLater() ? ResultReason.OBJECT_NOT_FOUND : ResultReason.ITEM_NOT_FOUND);
            }
        }
        TtlvItem ops = c.ok(V14, Operation.QUERY, payload(TtlvItem.enumeration(Tag.QUERY_FUNCTION,
                QueryFunction.QUERY_OPERATIONS.value())));
        assertThat(ops.childrenWith(Tag.OPERATION)).extracting(TtlvItem::enumValue)
                .contains(Operation.IMPORT.value(), Operation.EXPORT.value());
    }

    @Test
    void sensitiveKey_isReturnedOnlyWrapped() throws Exception {
        String kek = key(V21, 0x30, true);
        String id = c.ok(V21, Operation.CREATE, create(V21, algorithm(CryptographicAlgorithm.AES), length(256), usageMask(12),
                KmipAttribute.of(TtlvItem.bool(Tag.SENSITIVE, true)))).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        fails(c.call(V21, Operation.GET, withUid(id)), ResultReason.SENSITIVE);
        fails(c.call(V14, Operation.GET, withUid(id)), ResultReason.SENSITIVE);
        assertThat(c.ok(V21, Operation.GET, payload(uid(id), spec(kek, 1))).child(Tag.SYMMETRIC_KEY)).isPresent();
    }
}
