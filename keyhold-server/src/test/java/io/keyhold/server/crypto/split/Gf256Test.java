package io.keyhold.server.crypto.split;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Gf256Test {

    /** FIPS 197 section 4.2 and 4.2.1: {57}•{83} = {c1}, and the xtime chain {57}•{02}, {04}, {08}, {10}, {13}. */
    @ParameterizedTest
    @CsvSource({"57,83,c1", "83,57,c1", "57,02,ae", "57,04,47", "57,08,8e", "57,10,07", "57,13,fe",
            "00,57,00", "57,00,00", "01,57,57"})
    void mul_fips197Examples(String a, String b, String product) {
        assertThat(Gf256.mul(Integer.parseInt(a, 16), Integer.parseInt(b, 16))).isEqualTo(Integer.parseInt(product, 16));
    }

    /** FIPS 197 section 5.1.1 (the S-box is built from inverses): the inverse of {53} is {ca}. */
    @Test
    void inverse_fips197Example() {
        assertThat(Gf256.inverse(0x53)).isEqualTo(0xCA);
        assertThat(Gf256.inverse(0xCA)).isEqualTo(0x53);
        assertThat(Gf256.inverse(0x01)).isEqualTo(0x01);
    }

    @Test
    void inverse_everyNonZeroElement_multipliesToOne() {
        for (int a = 1; a < 256; a++) {
            assertThat(Gf256.mul(a, Gf256.inverse(a))).as("a=%02x", a).isEqualTo(1);
        }
    }

    @Test
    void mul_isCommutativeAndDistributive() {
        for (int a = 0; a < 256; a += 7) {
            for (int b = 0; b < 256; b += 5) {
                assertThat(Gf256.mul(a, b)).isEqualTo(Gf256.mul(b, a));
                assertThat(Gf256.mul(a, b ^ 0x1B)).isEqualTo(Gf256.mul(a, b) ^ Gf256.mul(a, 0x1B));
            }
        }
    }
}
