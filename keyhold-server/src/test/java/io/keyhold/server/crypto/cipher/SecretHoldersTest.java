package io.keyhold.server.crypto.cipher;

import static io.keyhold.server.crypto.cipher.TestKeys.hex;
import static io.keyhold.server.crypto.cipher.TestKeys.symmetric;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.cipher.CipherSpec.Algorithm;
import io.keyhold.server.crypto.cipher.CipherSpec.Mode;
import io.keyhold.server.crypto.cipher.CipherSpec.Padding;
import io.keyhold.server.crypto.keygen.KeyPairSpec;
import io.keyhold.server.crypto.keygen.KeyPairs;
import io.keyhold.server.crypto.signature.MacParameters;
import io.keyhold.server.crypto.signature.Macs;
import io.keyhold.server.crypto.split.Share;
import io.keyhold.server.ops.object.SymmetricKeys;
import io.keyhold.server.store.StoredObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No holder of secret bytes or keys prints them: neither in hex (either case) nor in Base64. */
class SecretHoldersTest {
    private static final String KEY_HEX = "2b7e151628aed2a6abf7158809cf4f3c";
    private static final byte[] KEY = hex(KEY_HEX);

    private static void assertHides(Object holder, byte[] secret) {
        String printed = String.valueOf(holder);
        List<String> forms = new ArrayList<>(List.of(HexFormat.of().formatHex(secret), HexFormat.of().withUpperCase().formatHex(secret),
                Base64.getEncoder().encodeToString(secret), Base64.getUrlEncoder().withoutPadding().encodeToString(secret)));
        // any 8-byte window, so that a partial print is caught too
        for (int i = 0; i + 8 <= secret.length; i += 4) {
            byte[] window = java.util.Arrays.copyOfRange(secret, i, i + 8);
            forms.add(HexFormat.of().formatHex(window));
            forms.add(HexFormat.of().withUpperCase().formatHex(window));
        }
        for (String form : forms) {
            assertThat(printed).as("toString of %s", holder.getClass().getSimpleName()).doesNotContain(form);
        }
        assertThat(printed).doesNotContain(new String(secret, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void toString_cipherStreamAndResult_hideKeyAndData() throws Exception {
        StoredObject key = symmetric(KEY_HEX, CryptographicAlgorithm.AES);
        CipherStream stream = new Ciphers(new SecureRandom()).startEncrypt(key,
                CipherSpec.of(Algorithm.AES, Mode.CBC, Padding.PKCS5, 0, null, null, false, 0), new byte[16], null, "k1");
        stream.update(KEY);
        assertHides(stream, KEY);
        assertHides(new CipherResult(KEY, KEY, KEY), KEY);
        assertHides(key, KEY);
    }

    @Test
    void toString_macStream_hidesKey() throws Exception {
        StoredObject key = io.keyhold.server.crypto.signature.TestKeys.symmetricKey("m1", KEY, CryptographicAlgorithm.HMAC_SHA256,
                CryptographicUsageMask.MAC_GENERATE.value(), State.ACTIVE);
        Macs.MacStream stream = new Macs().start(key, MacParameters.hmac(io.keyhold.server.crypto.signature.HashFunction.SHA_256));
        assertHides(stream, KEY);
    }

    @Test
    void toString_shareAndGeneratedKeys_hideMaterial() throws Exception {
        assertHides(new Share(1, KEY.clone()), KEY);
        assertHides(new SymmetricKeys.Generated(KEY, 128), KEY);
        SymmetricKeys.Generated generated = SymmetricKeys.generate(CryptographicAlgorithm.AES.value(), 256, new SecureRandom());
        assertHides(generated, generated.material());
    }

    @Test
    void toString_keyPair_hidesPrivateKey() throws Exception {
        KeyPairs.Generated pair = new KeyPairs(new SecureRandom()).generate(KeyPairSpec.of(KmipVersion.V2_1,
                CryptographicAlgorithm.EC.value(), 256, null, CryptographicUsageMask.SIGN.value()));
        byte[] pkcs8 = pair.privateKey().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow()
                .child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
        assertHides(pair, pkcs8);
        assertHides(pair.privateKey(), pkcs8);
    }

    @Test
    void toString_keyMaterialInspection_showsFormNotBytes() {
        KeyMaterial.Inspection inspection = KeyMaterial.inspect(TtlvItem.structure(Tag.KEY_VALUE,
                TtlvItem.bytes(Tag.KEY_MATERIAL, KEY))).orElseThrow();
        assertHides(inspection, KEY);
        assertThat(inspection.toString()).contains("16 bytes");
    }
}
