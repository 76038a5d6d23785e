package io.keyhold.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/** The per-thread AES-GCM ciphers, and a master key that wraps and unwraps with them over and over. */
class GcmCiphersTest {
    @Test
    void oneCipherPerThread_forTheMasterKey_andOneForDataKeys() throws Exception {
        Cipher master = GcmCiphers.forMasterKey();
        Cipher data = GcmCiphers.forDataKeys();
        assertThat(GcmCiphers.forMasterKey()).isSameAs(master);
        assertThat(GcmCiphers.forDataKeys()).isSameAs(data);
        assertThat(data).isNotSameAs(master);
        Cipher[] there = CompletableFuture.supplyAsync(() -> {
            try {
                return new Cipher[] {GcmCiphers.forMasterKey(), GcmCiphers.forDataKeys()};
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get();
        assertThat(there[0]).isNotSameAs(master).isNotSameAs(data);
        assertThat(there[1]).isNotSameAs(master).isNotSameAs(data);
    }

    @Test
    void wrapAndUnwrap_repeatedOnOneThread_evenAfterAFailedUnwrap() throws Exception {
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        SecretKey k = g.generateKey();
        AesGcmMasterKey master = AesGcmMasterKey.of("test", k);
        byte[] aad = "object-1".getBytes(StandardCharsets.UTF_8);
        byte[] dataKey = new byte[32];
        dataKey[0] = 7;
        for (int i = 0; i < 5; i++) {
            byte[] wrapped = master.wrap(dataKey, aad);
            assertThat(master.unwrap(wrapped, aad)).isEqualTo(dataKey);
            byte[] tampered = wrapped.clone();
            tampered[tampered.length - 1] ^= 1;
            assertThatThrownBy(() -> master.unwrap(tampered, aad)).isInstanceOf(MasterKeyException.class);
            assertThatThrownBy(() -> master.unwrap(wrapped, "object-2".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(MasterKeyException.class);
            assertThat(master.unwrap(wrapped, aad)).as("the thread's cipher recovers after a failure").isEqualTo(dataKey);
        }
    }
}
