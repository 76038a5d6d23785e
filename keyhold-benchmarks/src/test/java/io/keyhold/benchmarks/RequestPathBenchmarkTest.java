package io.keyhold.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.testkit.load.KmipRequests;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every benchmark of the request path measures a request that succeeds, with the answer its name says. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestPathBenchmarkTest {
    private final RequestPathBenchmark benchmark = new RequestPathBenchmark();

    @BeforeAll
    void setUp() throws Exception {
        benchmark.setUp();
    }

    @AfterAll
    void tearDown() throws Exception {
        benchmark.tearDown();
    }

    @Test
    void get_answersWithTheSymmetricKey() throws Exception {
        TtlvItem payload = successfulPayload(benchmark.get());
        assertThat(payload.child(Tag.SYMMETRIC_KEY)).isPresent();
        assertThat(successfulPayload(benchmark.get()).child(Tag.UNIQUE_IDENTIFIER))
                .isEqualTo(payload.child(Tag.UNIQUE_IDENTIFIER));
    }

    @Test
    void getOf1000Keys_takesTheKeysInTurn() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            TtlvItem payload = successfulPayload(benchmark.getOf1000Keys());
            assertThat(payload.child(Tag.SYMMETRIC_KEY)).isPresent();
            seen.add(payload.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue());
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void encrypt_answersWithTheCiphertextAndTag() throws Exception {
        TtlvItem payload = successfulPayload(benchmark.encryptAesGcm1KiB());
        assertThat(payload.child(Tag.DATA).orElseThrow().bytesValue()).hasSize(1024);
        assertThat(payload.child(Tag.AUTHENTICATED_ENCRYPTION_TAG).orElseThrow().bytesValue()).hasSize(16);
    }

    @Test
    void signs_answerWithSignatures() throws Exception {
        assertThat(successfulPayload(benchmark.signEcdsaP256()).child(Tag.SIGNATURE_DATA)).isPresent();
        assertThat(successfulPayload(benchmark.signRsa2048()).child(Tag.SIGNATURE_DATA).orElseThrow().bytesValue())
                .hasSize(256);
    }

    private static TtlvItem successfulPayload(byte[] response) throws Exception {
        TtlvItem message = new TtlvDecoder().decode(response);
        assertThat(KmipRequests.failure(message)).isEmpty();
        return message.child(Tag.BATCH_ITEM).orElseThrow().child(Tag.RESPONSE_PAYLOAD).orElseThrow();
    }
}
