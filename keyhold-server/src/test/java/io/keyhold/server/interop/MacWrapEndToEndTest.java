package io.keyhold.server.interop;

import static io.keyhold.server.testing.KmipAssertions.fails;
import static io.keyhold.server.testing.Payloads.attributes;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static io.keyhold.server.testing.Payloads.usageMask;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.EncodingOption;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Key wrapping with Wrapping Methods MAC/sign and Encrypt then MAC/sign over real mutual TLS, in KMIP 1.4 and
 * 2.1: Get returns the MAC the JDK computes; Register of the result checks it and stores the key; a tampered MAC
 * is refused.
 */
class MacWrapEndToEndTest {
    private static final byte[] HMAC_KEY = new byte[32];
    private static LiveServer server;

    static {
        for (int i = 0; i < HMAC_KEY.length; i++) {
            HMAC_KEY[i] = (byte) (0x11 * (i % 15) + 1);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = LiveServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String text(TtlvItem response) {
        return response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    private static String register(KmipTestClient c, KmipVersion v, TtlvItem object, int mask) throws Exception {
        return text(c.ok(v, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(v, List.of(usageMask(mask))), object)));
    }

    private static TtlvItem symmetricKey(byte[] material, CryptographicAlgorithm algorithm) {
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, material.length * 8)));
    }

    private static byte[] hmac(byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HMAC_KEY, "HmacSHA256"));
        return mac.doFinal(message);
    }

    private static TtlvItem block(TtlvItem object) {
        return object.child(Tag.KEY_BLOCK).orElseThrow();
    }

    private static byte[] material(TtlvItem object) {
        return block(object).child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
    }

    private static TtlvItem withMac(TtlvItem object, byte[] mac) {
        List<TtlvItem> data = new ArrayList<>();
        for (TtlvItem c : block(object).child(Tag.KEY_WRAPPING_DATA).orElseThrow().children()) {
            data.add(c.tag() == Tag.MAC_SIGNATURE ? TtlvItem.bytes(Tag.MAC_SIGNATURE, mac) : c);
        }
        List<TtlvItem> b = new ArrayList<>();
        for (TtlvItem c : block(object).children()) {
            b.add(c.tag() == Tag.KEY_WRAPPING_DATA ? TtlvItem.structure(Tag.KEY_WRAPPING_DATA, data) : c);
        }
        return TtlvItem.structure(object.tag(), TtlvItem.structure(Tag.KEY_BLOCK, b));
    }

    @Test
    void macSign_andEncryptThenMacSign_roundTripThroughGetAndRegister() throws Exception {
        try (KmipTestClient c = server.client("client1")) {
            for (KmipVersion v : List.of(KmipVersion.V1_4, KmipVersion.V2_1)) {
                String macKey = register(c, v, symmetricKey(HMAC_KEY, CryptographicAlgorithm.HMAC_SHA256), 0x80 | 0x100);
                c.ok(v, Operation.ACTIVATE, withUid(macKey));
                String id = text(c.ok(v, Operation.CREATE, createAes(v, 256)));
                byte[] secret = material(c.ok(v, Operation.GET, withUid(id)).child(Tag.SYMMETRIC_KEY).orElseThrow());

                // MAC/sign: Key Value in clear, MAC over its TTLV encoding
                TtlvItem macSpec = TtlvItem.structure(Tag.KEY_WRAPPING_SPECIFICATION, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 2),
                        TtlvItem.structure(Tag.MAC_SIGNATURE_KEY_INFORMATION, uid(macKey)));
                TtlvItem maced = c.ok(v, Operation.GET, payload(uid(id), macSpec)).child(Tag.SYMMETRIC_KEY).orElseThrow();
                assertThat(material(maced)).isEqualTo(secret);
                byte[] mac = block(maced).child(Tag.KEY_WRAPPING_DATA).orElseThrow().child(Tag.MAC_SIGNATURE).orElseThrow().bytesValue();
                byte[] keyValue = new byte[48];
                System.arraycopy(new byte[] {0x42, 0x00, 0x45, 0x01, 0x00, 0x00, 0x00, 0x28, 0x42, 0x00, 0x43, 0x08, 0x00, 0x00, 0x00,
                        0x20}, 0, keyValue, 0, 16);
                System.arraycopy(secret, 0, keyValue, 16, 32);
                assertThat(mac).isEqualTo(hmac(keyValue));
                String copy = register(c, v, maced, 12);
                assertThat(material(c.ok(v, Operation.GET, withUid(copy)).child(Tag.SYMMETRIC_KEY).orElseThrow())).isEqualTo(secret);
                byte[] bad = mac.clone();
                bad[5] ^= 0x40;
                fails(c.call(v, Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                        attributes(v, List.of(usageMask(12))), withMac(maced, bad))), ResultReason.CRYPTOGRAPHIC_FAILURE);

                // Encrypt then MAC/sign with AES Key Wrap and HMAC-SHA256
                byte[] kekBytes = new byte[32];
                new java.security.SecureRandom().nextBytes(kekBytes);
                String kek = register(c, v, symmetricKey(kekBytes, CryptographicAlgorithm.AES), 0x10 | 0x20);
                c.ok(v, Operation.ACTIVATE, withUid(kek));
                TtlvItem both = TtlvItem.structure(Tag.KEY_WRAPPING_SPECIFICATION, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 3),
                        TtlvItem.structure(Tag.ENCRYPTION_KEY_INFORMATION, uid(kek)),
                        TtlvItem.structure(Tag.MAC_SIGNATURE_KEY_INFORMATION, uid(macKey)),
                        TtlvItem.enumeration(Tag.ENCODING_OPTION, EncodingOption.NO_ENCODING.value()));
                TtlvItem wrapped = c.ok(v, Operation.GET, payload(uid(id), both)).child(Tag.SYMMETRIC_KEY).orElseThrow();
                byte[] bytes = block(wrapped).child(Tag.KEY_VALUE).orElseThrow().bytesValue();
                Cipher kw = Cipher.getInstance("AES/KW/NoPadding");
                kw.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kekBytes, "AES"));
                assertThat(kw.doFinal(bytes)).isEqualTo(secret);
                assertThat(block(wrapped).child(Tag.KEY_WRAPPING_DATA).orElseThrow().child(Tag.MAC_SIGNATURE).orElseThrow().bytesValue())
                        .isEqualTo(hmac(bytes));
                String second = register(c, v, wrapped, 12);
                assertThat(material(c.ok(v, Operation.GET, withUid(second)).child(Tag.SYMMETRIC_KEY).orElseThrow())).isEqualTo(secret);

                // MAC/sign then encrypt is not supported
                TtlvItem macThenEncrypt = TtlvItem.structure(Tag.KEY_WRAPPING_SPECIFICATION, TtlvItem.enumeration(Tag.WRAPPING_METHOD, 4),
                        TtlvItem.structure(Tag.ENCRYPTION_KEY_INFORMATION, uid(kek)),
                        TtlvItem.structure(Tag.MAC_SIGNATURE_KEY_INFORMATION, uid(macKey)));
                fails(c.call(v, Operation.GET, payload(uid(id), macThenEncrypt)), ResultReason.FEATURE_NOT_SUPPORTED);
            }
        }
    }
}
