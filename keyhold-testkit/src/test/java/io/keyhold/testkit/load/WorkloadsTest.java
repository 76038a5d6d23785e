package io.keyhold.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.testkit.load.KmipRequests.CipherMode;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadsTest {

    private static byte[] iv(byte[] request) throws Exception {
        return RequestMessage.from(new TtlvDecoder().decode(request)).batchItems().get(0).payload()
                .child(Tag.IV_COUNTER_NONCE).orElseThrow().bytesValue();
    }

    private static byte[] data(byte[] request) throws Exception {
        return RequestMessage.from(new TtlvDecoder().decode(request)).batchItems().get(0).payload()
                .child(Tag.DATA).orElseThrow().bytesValue();
    }

    @Test
    void encrypt_gcm_everyRequestOfEveryConnectionHasItsOwnIv() throws Exception {
        Workloads.Workload w = Workloads.encrypt(KmipVersion.V1_4, "k", CipherMode.GCM);
        Set<String> seen = new HashSet<>();
        for (int c = -1; c < 3; c++) {
            Workloads.RequestSource source = w.forConnection(c);
            for (int i = 0; i < 50; i++) {
                byte[] request = source.next();
                assertThat(iv(request)).hasSize(12);
                assertThat(data(request)).hasSize(Workloads.ENCRYPT_BYTES);
                assertThat(seen.add(java.util.HexFormat.of().formatHex(iv(request)))).as("IV repeated").isTrue();
            }
        }
        assertThat(w.algorithm()).isEqualTo("aes-256-gcm");
    }

    @Test
    void encrypt_cbc_sendsSixteenByteIvsThatDiffer() throws Exception {
        Workloads.RequestSource source = Workloads.encrypt(KmipVersion.V1_2, "k", CipherMode.CBC).forConnection(0);

        byte[] a = iv(source.next());
        byte[] b = iv(source.next());

        assertThat(a).hasSize(16);
        assertThat(b).hasSize(16).isNotEqualTo(a);
    }

    @Test
    void fixed_repeatsTheSameRequest() {
        byte[] request = {1, 2, 3};
        Workloads.RequestSource source = Workloads.fixed(request, "x").forConnection(4);

        assertThat(source.next()).isSameAs(request);
        assertThat(source.next()).isSameAs(request);
    }

    @Test
    void register_everyRequestCarriesAFreshKey() throws Exception {
        Workloads.RequestSource source = Workloads.register(KmipVersion.V1_2).forConnection(0);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            byte[] key = RequestMessage.from(new TtlvDecoder().decode(source.next())).batchItems().get(0).payload()
                    .child(Tag.SYMMETRIC_KEY).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow()
                    .child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
            assertThat(key).hasSize(32);
            assertThat(keys.add(java.util.HexFormat.of().formatHex(key))).as("key repeated").isTrue();
        }
    }
}
