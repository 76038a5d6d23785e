package io.keyhold.server.interop;

import static io.keyhold.server.testing.Payloads.algorithm;
import static io.keyhold.server.testing.Payloads.create;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.length;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static io.keyhold.server.testing.Payloads.usageMask;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A live server with {@code crypto.fips_only: true}, over real mutual TLS. */
class FipsEndToEndTest {
    private static final KmipVersion V21 = KmipVersion.V2_1;

    private static void refused(ResponseBatchItem item, ResultReason reason) {
        assertThat(item.resultStatus()).as("status of a request that must fail").isEqualTo(ResultStatus.OPERATION_FAILED.value());
        assertThat(ResultReason.fromValue(item.resultReason()).map(ResultReason::specName).orElse("" + item.resultReason()))
                .as(item.resultMessage()).isEqualTo(reason.specName());
        assertThat(item.resultMessage()).contains("not FIPS 140-approved", "crypto.fips_only");
    }

    private static TtlvItem rsaKeyPair(int bits) {
        return payload(AttributeMapping.toAttributes(Tag.COMMON_ATTRIBUTES,
                        List.of(algorithm(CryptographicAlgorithm.RSA), length(bits))),
                AttributeMapping.toAttributes(Tag.PRIVATE_KEY_ATTRIBUTES, List.of(usageMask(CryptographicUsageMask.SIGN.value()))),
                AttributeMapping.toAttributes(Tag.PUBLIC_KEY_ATTRIBUTES, List.of(usageMask(CryptographicUsageMask.VERIFY.value()))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.4", "2.1"})
    void create_refusesChaCha20_createsAes256(String version) throws Exception {
        KmipVersion v = KmipVersion.parse(version);
        try (LiveServer server = LiveServer.start(Files.createTempDirectory("keyhold-fips"), true);
             KmipTestClient c = server.client("client1")) {
            refused(c.call(v, Operation.CREATE, create(v, algorithm(CryptographicAlgorithm.CHACHA20), length(256))),
                    ResultReason.INVALID_FIELD);
            assertThat(c.ok(v, Operation.CREATE, createAes(v, 256)).child(Tag.UNIQUE_IDENTIFIER)).isPresent();
        }
    }

    @Test
    void createKeyPair_refusesRsa1024_createsRsa2048() throws Exception {
        try (LiveServer server = LiveServer.start(Files.createTempDirectory("keyhold-fips"), true);
             KmipTestClient c = server.client("client1")) {
            refused(c.call(V21, Operation.CREATE_KEY_PAIR, rsaKeyPair(1024)), ResultReason.INVALID_FIELD);
            assertThat(c.ok(V21, Operation.CREATE_KEY_PAIR, rsaKeyPair(2048)).child(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER)).isPresent();
        }
    }

    @Test
    void encrypt_withAKeyMadeBeforeFipsWasSwitchedOn_isCryptographicFailure() throws Exception {
        Path dir = Files.createTempDirectory("keyhold-fips");
        String key;
        TtlvItem encrypt;
        try (LiveServer server = LiveServer.start(dir, false); KmipTestClient c = server.client("client1")) {
            key = c.ok(V21, Operation.CREATE, create(V21, algorithm(CryptographicAlgorithm.CHACHA20POLY1305), length(256),
                    usageMask(12))).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            c.ok(V21, Operation.ACTIVATE, payload(uid(key)));
            encrypt = payload(uid(key), TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS,
                    TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.CHACHA20POLY1305.value())),
                    TtlvItem.bytes(Tag.DATA, new byte[] {1, 2, 3}), TtlvItem.bytes(Tag.IV_COUNTER_NONCE, new byte[12]));
            assertThat(c.ok(V21, Operation.ENCRYPT, encrypt).child(Tag.DATA)).isPresent();
        }
        try (LiveServer server = LiveServer.start(dir, true); KmipTestClient c = server.client("client1")) {
            refused(c.call(V21, Operation.ENCRYPT, encrypt), ResultReason.CRYPTOGRAPHIC_FAILURE);
        }
    }
}
