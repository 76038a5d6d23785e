package io.keyhold.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.NoSuchAlgorithmException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CipherLookupTest {
    @Test
    void everyCallIsANewInstanceOfTheProviderTheJcaChose() throws Exception {
        Cipher first = CipherLookup.cipher("AES/GCM/NoPadding");
        Cipher second = CipherLookup.cipher("AES/GCM/NoPadding");
        assertThat(second).isNotSameAs(first);
        assertThat(second.getProvider()).isEqualTo(Cipher.getInstance("AES/GCM/NoPadding").getProvider());

        // the same key and IV on two instances: no state is shared, so both encrypt alike
        SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
        GCMParameterSpec iv = new GCMParameterSpec(128, new byte[12]);
        first.init(Cipher.ENCRYPT_MODE, key, iv);
        second.init(Cipher.ENCRYPT_MODE, key, iv);
        assertThat(second.doFinal(new byte[] {1, 2, 3})).isEqualTo(first.doFinal(new byte[] {1, 2, 3}));
    }

    @Test
    void anUnknownTransformationFailsAsTheJcaDoes() {
        assertThatThrownBy(() -> CipherLookup.cipher("NoSuchCipher/XYZ/NoPadding"))
                .isInstanceOf(NoSuchAlgorithmException.class);
    }
}
