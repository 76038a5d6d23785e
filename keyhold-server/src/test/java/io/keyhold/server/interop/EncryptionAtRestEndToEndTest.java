package io.keyhold.server.interop;

import static io.keyhold.server.testing.Payloads.attributes;
import static io.keyhold.server.testing.Payloads.name;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.usageMask;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import io.keyhold.server.testing.RawBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Register of known key bytes over KMIP, then the raw database files: the bytes are nowhere in them. */
class EncryptionAtRestEndToEndTest {
    private static final KmipVersion V21 = KmipVersion.V2_1;

    @TempDir
    Path dir;

    private static TtlvItem aesKey(byte[] material) {
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, material.length * 8)));
    }

    @Test
    void registeredKeyBytes_areNotInTheDatabaseFiles_andSurviveARestart() throws Exception {
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);
        String uid;
        try (LiveServer server = LiveServer.start(dir); KmipTestClient c = server.client("client1")) {
            uid = c.ok(V21, Operation.REGISTER, payload(
                    TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                    attributes(V21, List.of(usageMask(12), name("at-rest-probe"))), aesKey(material)))
                    .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        }
        byte[] raw = RawBytes.databaseFiles(dir.resolve("keyhold.db"));

        assertThat(RawBytes.contains(raw, "at-rest-probe".getBytes(StandardCharsets.UTF_8))).as("the search works").isTrue();
        for (byte[] form : RawBytes.forms(material)) {
            assertThat(RawBytes.contains(raw, form)).as(HexFormat.of().formatHex(form)).isFalse();
        }
        // the development master key beside the database reads it back after a restart
        try (LiveServer server = LiveServer.start(dir); KmipTestClient c = server.client("client1")) {
            TtlvItem got = c.ok(V21, Operation.GET, withUid(uid));
            TtlvItem keyMaterial = got.child(Tag.SYMMETRIC_KEY).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow()
                    .child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow();
            assertThat(keyMaterial.bytesValue()).isEqualTo(material);
        }
    }
}
