package io.keyhold.server.crypto.wrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.MGF1ParameterSpec;
import java.util.HexFormat;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WrapAlgorithmTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 3394 section 4.1-4.6: KEK, key data, ciphertext. */
    static Stream<Arguments> rfc3394() {
        String kek128 = "000102030405060708090A0B0C0D0E0F";
        String kek192 = "000102030405060708090A0B0C0D0E0F1011121314151617";
        String kek256 = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";
        String key128 = "00112233445566778899AABBCCDDEEFF";
        String key192 = "00112233445566778899AABBCCDDEEFF0001020304050607";
        String key256 = "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F";
        return Stream.of(
                Arguments.of("4.1", kek128, key128, "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"),
                Arguments.of("4.2", kek192, key128, "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D"),
                Arguments.of("4.3", kek256, key128, "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7"),
                Arguments.of("4.4", kek192, key192, "031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2"),
                Arguments.of("4.5", kek256, key192, "A8F9BC1612C68B3FF6E6F4FBE30E71E4769C8B80A32CB8958CD5D17D6B254DA1"),
                Arguments.of("4.6", kek256, key256,
                        "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21"));
    }

    @ParameterizedTest(name = "RFC 3394 {0}")
    @MethodSource("rfc3394")
    void aesKeyWrap_rfc3394Vectors(String section, String kek, String key, String wrapped) throws Exception {
        SecretKeySpec k = new SecretKeySpec(HEX.parseHex(kek), "AES");
        WrapAlgorithm a = WrapAlgorithm.aesKeyWrap();
        assertThat(HEX.formatHex(a.wrap(k, HEX.parseHex(key), null))).isEqualToIgnoringCase(wrapped);
        assertThat(HEX.formatHex(a.unwrap(k, HEX.parseHex(wrapped), null))).isEqualToIgnoringCase(key);
    }

    /** RFC 5649 section 6: the 20-octet and 7-octet examples under one 192-bit KEK. */
    static Stream<Arguments> rfc5649() {
        String kek = "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8";
        return Stream.of(
                Arguments.of(kek, "c37b7e6492584340bed12207808941155068f738",
                        "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"),
                Arguments.of(kek, "466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"));
    }

    @ParameterizedTest
    @MethodSource("rfc5649")
    void aesKeyWrapPadded_rfc5649Vectors(String kek, String key, String wrapped) throws Exception {
        SecretKeySpec k = new SecretKeySpec(HEX.parseHex(kek), "AES");
        WrapAlgorithm a = WrapAlgorithm.aesKeyWrapPadded();
        assertThat(HEX.formatHex(a.wrap(k, HEX.parseHex(key), null))).isEqualTo(wrapped);
        assertThat(HEX.formatHex(a.unwrap(k, HEX.parseHex(wrapped), null))).isEqualTo(key);
    }

    @Test
    void aesKeyWrap_tamperedOrWrongKey_isCryptographicFailure() throws Exception {
        SecretKeySpec k = new SecretKeySpec(HEX.parseHex("000102030405060708090A0B0C0D0E0F"), "AES");
        byte[] wrapped = HEX.parseHex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");
        wrapped[3] ^= 1;
        KmipException e = catchThrowableOfType(KmipException.class, () -> WrapAlgorithm.aesKeyWrap().unwrap(k, wrapped, null));
        assertThat(e.reason()).isEqualTo(ResultReason.CRYPTOGRAPHIC_FAILURE);
    }

    @Test
    void aesKeyWrap_inputNotAMultipleOf8_isBadCryptographicParameters() {
        SecretKeySpec k = new SecretKeySpec(new byte[16], "AES");
        KmipException e = catchThrowableOfType(KmipException.class, () -> WrapAlgorithm.aesKeyWrap().wrap(k, new byte[20], null));
        assertThat(e.reason()).isEqualTo(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS);
    }

    @Test
    void aesGcm_wrapsWithTheTagAppended_andTheJdkDecrypts() throws Exception {
        SecretKeySpec k = new SecretKeySpec(new byte[32], "AES");
        byte[] iv = new byte[12];
        byte[] wrapped = WrapAlgorithm.aesGcm(16).wrap(k, HEX.parseHex("00112233445566778899AABBCCDDEEFF"), iv);
        assertThat(wrapped).hasSize(32);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, iv));
        assertThat(HEX.formatHex(c.doFinal(wrapped))).isEqualTo("00112233445566778899aabbccddeeff");
        KmipException e = catchThrowableOfType(KmipException.class, () -> WrapAlgorithm.aesGcm(8));
        assertThat(e.reason()).isEqualTo(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS);
    }

    @Test
    void rsaOaep_wrapsSoThatTheJdkUnwraps() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        byte[] secret = HEX.parseHex("00112233445566778899AABBCCDDEEFF");
        byte[] wrapped = WrapAlgorithm.rsaOaep("SHA-256", "SHA-256").wrap(pair.getPublic(), secret, null);
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.DECRYPT_MODE, pair.getPrivate(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                PSource.PSpecified.DEFAULT));
        assertThat(c.doFinal(wrapped)).isEqualTo(secret);
        assertThat(WrapAlgorithm.rsaOaep("SHA-256", "SHA-256").unwrap(pair.getPrivate(), wrapped, null)).isEqualTo(secret);
    }
}
