package io.keyhold.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.server.testing.SoftHsm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Against SoftHSM2 (skipped without it unless KEYHOLD_REQUIRE_SOFTHSM=1). */
class Pkcs11MasterKeySourceTest {

    private static Pkcs11MasterKeySource open(SoftHsm.Token token, String pin) throws MasterKeyException {
        return Pkcs11MasterKeySource.open(SoftHsm.LIBRARY, token.slot(), 0, pin.toCharArray());
    }

    @Test
    void create_generatesTheKeyInTheToken_sensitiveAndNotExtractable() throws Exception {
        SoftHsm.Token token = SoftHsm.main();
        Pkcs11MasterKeySource source = open(token, SoftHsm.PIN);
        MasterKey created = source.create("source-test");
        assertThat(MasterKeyRing.name(created.id())).isEqualTo("source-test");

        // a fresh login sees it as a token object
        KeyStore ks = KeyStore.getInstance("PKCS11", source.provider());
        ks.load(null, SoftHsm.PIN.toCharArray());
        Key key = ks.getKey("source-test", null);
        assertThat(key).isInstanceOf(SecretKey.class);
        assertThat(key.getAlgorithm()).isEqualTo("AES");
        assertThat(key.getEncoded()).as("key bytes are not readable").isNull();
        assertThat(key.toString()).contains("token object", "sensitive", "unextractable");
        assertThatThrownBy(() -> SecretKeyFactory.getInstance("AES", source.provider())
                .getKeySpec((SecretKey) key, SecretKeySpec.class)).isInstanceOf(Exception.class);

        List<MasterKey> loaded = open(token, SoftHsm.PIN).load("source-test");
        assertThat(loaded).extracting(MasterKey::id).containsExactly(created.id());
    }

    @Test
    void aRingFromTheToken_isNotInProcess() throws Exception {
        MasterKeyRing ring = MasterKeyRing.open(open(SoftHsm.main(), SoftHsm.PIN), "in-process-test");
        assertThat(ring.inProcess()).as("each use of the key waits on the token").isFalse();
        assertThat(MasterKeyRing.of(io.keyhold.server.testing.TestMasterKeys.fixed()).inProcess()).isTrue();
    }

    @Test
    void wrapAndUnwrap_runInTheToken_andBindTheAad() throws Exception {
        Pkcs11MasterKeySource source = open(SoftHsm.main(), SoftHsm.PIN);
        MasterKey key = source.create("aad-test");
        byte[] dataKey = new byte[32];
        new java.security.SecureRandom().nextBytes(dataKey);
        byte[] uid = "object-1".getBytes(StandardCharsets.UTF_8);

        byte[] wrapped = key.wrap(dataKey, uid);
        assertThat(wrapped).hasSize(12 + 32 + 16);
        assertThat(key.wrap(dataKey, uid)).as("a fresh IV each time").isNotEqualTo(wrapped);
        // another process (another login) unwraps with the same key
        MasterKey again = open(SoftHsm.main(), SoftHsm.PIN).load("aad-test").get(0);
        assertThat(again.unwrap(wrapped, uid)).isEqualTo(dataKey);
        assertThatThrownBy(() -> again.unwrap(wrapped, "object-2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MasterKeyException.class).hasMessageContaining("authentication failed");
    }

    @Test
    void aWrongPin_isOneLineNamingTheToken() {
        SoftHsm.Token token = SoftHsm.forWrongPin();
        assertThatThrownBy(() -> open(token, "not-the-pin")).isInstanceOf(MasterKeyException.class)
                .hasMessage("PKCS#11 token in slot " + token.slot() + " of " + SoftHsm.LIBRARY
                        + ": login refused (CKR_PIN_INCORRECT): check the PIN");
    }

    @Test
    void aMissingLibrary_isOneLine() {
        Path absent = Path.of("/nonexistent/libpkcs11.so");
        assertThatThrownBy(() -> Pkcs11MasterKeySource.open(absent, null, 0, "x".toCharArray()))
                .isInstanceOf(MasterKeyException.class).hasMessage("PKCS#11 library " + absent + " does not exist");
    }
}
