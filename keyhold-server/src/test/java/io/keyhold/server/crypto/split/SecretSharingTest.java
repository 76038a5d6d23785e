package io.keyhold.server.crypto.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SecretSharingTest {
    private static final BigInteger P521 = BigInteger.ONE.shiftLeft(521).subtract(BigInteger.ONE); // Mersenne prime 2^521-1

    /** A "random" source that hands out fixed bytes, for known answers. */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] bytes;
        private int next;

        FixedRandom(int... values) {
            bytes = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                bytes[i] = (byte) values[i];
            }
        }

        @Override
        public void nextBytes(byte[] out) {
            for (int i = 0; i < out.length; i++) {
                out[i] = bytes[next++];
            }
        }
    }

    private static SplitParameters gf(int parts, int threshold) {
        return new SplitParameters(SplitKeyMethodKind.POLYNOMIAL_GF_2_8, parts, threshold, null);
    }

    /**
     * Worked by hand: secret s = {2a}, threshold 2, random coefficient a1 = {57}, so f(x) = {2a} + {57}x.
     * With FIPS 197's {57}•{02} = {ae} and {57}•{03} = {ae} xor {57} = {f9}:
     * f(1) = {2a} xor {57} = {7d}; f(2) = {2a} xor {ae} = {84}; f(3) = {2a} xor {f9} = {d3}.
     */
    @Test
    void splitGf256_oneByteSecret_knownAnswer() {
        List<Share> shares = SecretSharing.split(gf(3, 2), new byte[] {0x2A}, new FixedRandom(0x57));
        assertThat(shares).extracting(Share::identifier).containsExactly(1, 2, 3);
        assertThat(shares).extracting(s -> s.value()[0] & 0xFF).containsExactly(0x7D, 0x84, 0xD3);
    }

    /** Joining the hand-computed parts {2: 84} and {3: d3}: l2 = 3/(3+2) = 3, l3 = 2/(2+3) = 2 (in GF(2^8), 2+3 = 1). */
    @Test
    void joinGf256_handComputedParts_giveTheSecret() {
        byte[] secret = SecretSharing.join(gf(3, 2), List.of(new Share(2, new byte[] {(byte) 0x84}),
                new Share(3, new byte[] {(byte) 0xD3})), 1);
        assertThat(secret).containsExactly(0x2A);
    }

    /** XOR with a fixed random first part {0f}: second part = secret xor {0f}. */
    @Test
    void splitXor_knownAnswer() {
        List<Share> shares = SecretSharing.split(new SplitParameters(SplitKeyMethodKind.XOR, 2, 2, null),
                new byte[] {0x2A}, new FixedRandom(0x0F));
        assertThat(shares).extracting(s -> s.value()[0] & 0xFF).containsExactly(0x0F, 0x25);
    }

    @ParameterizedTest
    @EnumSource(value = SplitKeyMethodKind.class, names = {"POLYNOMIAL_GF_2_8", "POLYNOMIAL_PRIME_FIELD"})
    void join_everyThresholdSubset_givesTheSecret(SplitKeyMethodKind method) {
        byte[] secret = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        SplitParameters p = new SplitParameters(method, 5, 3, method == SplitKeyMethodKind.POLYNOMIAL_PRIME_FIELD ? P521 : null);
        List<Share> shares = SecretSharing.split(p, secret, new SecureRandom());
        int subsets = 0;
        for (int a = 0; a < 5; a++) {
            for (int b = a + 1; b < 5; b++) {
                for (int c = b + 1; c < 5; c++) {
                    assertThat(SecretSharing.join(p, List.of(shares.get(c), shares.get(a), shares.get(b)), 32))
                            .containsExactly(secret);
                    subsets++;
                }
            }
        }
        assertThat(subsets).isEqualTo(10);
        // more than the threshold also works
        assertThat(SecretSharing.join(p, shares, 32)).containsExactly(secret);
    }

    @Test
    void join_fewerThanThreshold_isRefused() {
        byte[] secret = {1, 2, 3, 4};
        List<Share> shares = SecretSharing.split(gf(5, 3), secret, new SecureRandom());
        assertThatThrownBy(() -> SecretSharing.join(gf(5, 3), shares.subList(0, 2), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("3 parts are needed to join the secret, 2 given");
    }

    @Test
    void xor_needsEveryPart() {
        SplitParameters p = new SplitParameters(SplitKeyMethodKind.XOR, 3, 3, null);
        byte[] secret = {9, 8, 7, 6, 5};
        List<Share> shares = SecretSharing.split(p, secret, new SecureRandom());
        assertThat(SecretSharing.join(p, new ArrayList<>(shares), 5)).containsExactly(secret);
        assertThatThrownBy(() -> SecretSharing.join(p, shares.subList(0, 2), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 parts are needed");
        assertThatThrownBy(() -> new SplitParameters(SplitKeyMethodKind.XOR, 3, 2, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("XOR method needs every part");
    }

    @Test
    void join_repeatedPart_isRefused() {
        List<Share> shares = SecretSharing.split(gf(3, 2), new byte[] {7}, new SecureRandom());
        assertThatThrownBy(() -> SecretSharing.join(gf(3, 2), List.of(shares.get(0), shares.get(0)), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Key Part Identifier 1 is given twice");
    }

    @Test
    void parameters_outOfRange_areRefused() {
        assertThatThrownBy(() -> gf(256, 2)).hasMessageContaining("Split Key Parts 256");
        assertThatThrownBy(() -> gf(3, 4)).hasMessageContaining("Split Key Threshold 4");
        assertThatThrownBy(() -> gf(3, 0)).hasMessageContaining("Split Key Threshold 0");
        assertThatThrownBy(() -> new SplitParameters(SplitKeyMethodKind.POLYNOMIAL_PRIME_FIELD, 3, 2, null))
                .hasMessageContaining("Prime Field Size is required");
        assertThatThrownBy(() -> new SplitParameters(SplitKeyMethodKind.POLYNOMIAL_PRIME_FIELD, 3, 2, BigInteger.valueOf(1000)))
                .hasMessageContaining("must be a prime");
    }

    @Test
    void splitPrime_primeNotAboveSecret_isRefused() {
        SplitParameters p = new SplitParameters(SplitKeyMethodKind.POLYNOMIAL_PRIME_FIELD, 3, 2, BigInteger.valueOf(65537));
        assertThatThrownBy(() -> SecretSharing.split(p, new byte[] {1, 2, 3}, new SecureRandom()))
                .hasMessageContaining("larger than 2^24");
    }

    /**
     * Independent check against BouncyCastle's Shamir implementation over GF(2^8) with the AES polynomial:
     * parts made here, with their Key Part Identifiers as x coordinates, are joined by BouncyCastle.
     */
    @Test
    void splitGf256_partsJoinWithBouncyCastlesShamir() throws Exception {
        byte[] secret = HexFormat.of().parseHex("2b7e151628aed2a6abf7158809cf4f3c");
        List<Share> shares = SecretSharing.split(gf(5, 3), secret, new SecureRandom());
        for (int[] pick : new int[][] {{0, 1, 2}, {4, 2, 0}, {1, 3, 4}}) {
            org.bouncycastle.crypto.threshold.ShamirSplitSecretShare[] bc =
                    new org.bouncycastle.crypto.threshold.ShamirSplitSecretShare[pick.length];
            for (int i = 0; i < pick.length; i++) {
                Share s = shares.get(pick[i]);
                bc[i] = new org.bouncycastle.crypto.threshold.ShamirSplitSecretShare(s.value(), s.identifier());
            }
            byte[] joined = new org.bouncycastle.crypto.threshold.ShamirSplitSecret(
                    org.bouncycastle.crypto.threshold.ShamirSecretSplitter.Algorithm.AES,
                    org.bouncycastle.crypto.threshold.ShamirSecretSplitter.Mode.Native, bc).getSecret();
            assertThat(joined).containsExactly(secret);
        }
    }

    @Test
    void share_toString_hidesTheValue() {
        assertThat(new Share(1, new byte[] {0x41, 0x42}).toString()).isEqualTo("Share[1, 2 bytes]");
    }
}
