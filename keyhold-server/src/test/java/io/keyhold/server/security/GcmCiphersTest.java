package io.keyhold.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/** The per-thread AES-GCM cipher, and a master key that wraps and unwraps with it over and over. */
class GcmCiphersTest {
    @Test
    void oneCipherPerThread() throws Exception {
        Cipher here = GcmCiphers.forThisThread();
        assertThat(GcmCiphers.forThisThread()).isSameAs(here);
        Cipher there = CompletableFuture.supplyAsync(() -> {
            try {
                return GcmCiphers.forThisThread();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get();
        assertThat(there).isNotSameAs(here);
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
