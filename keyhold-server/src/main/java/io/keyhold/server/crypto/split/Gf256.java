package io.keyhold.server.crypto.split;

/**
 * Arithmetic in GF(2^8) with the AES reduction polynomial x^8 + x^4 + x^3 + x + 1 (0x11B). Multiplication
 * is a fixed eight-round shift-and-add with masks instead of branches or log tables, so its timing does not
 * depend on the (secret) operands; the inverse is a^254 by a fixed square-and-multiply chain.
 */
final class Gf256 {
    private Gf256() {}

    /** a + b (and a - b): XOR. */
    static int add(int a, int b) {
        return (a ^ b) & 0xFF;
    }

    /** a * b modulo 0x11B. */
    static int mul(int a, int b) {
        int x = a & 0xFF;
        int y = b & 0xFF;
        int p = 0;
        for (int i = 0; i < 8; i++) {
            p ^= -(y & 1) & x;
            int carry = -((x >> 7) & 1);
            x = ((x << 1) ^ (carry & 0x1B)) & 0xFF;
            y >>= 1;
        }
        return p & 0xFF;
    }

    /** The multiplicative inverse, a^254; 0 for 0 (callers never divide by 0). */
    static int inverse(int a) {
        int result = 1;
        int base = a & 0xFF;
        // 254 = 0b11111110: square-and-multiply over all eight bits, always the same operations
        for (int bit = 7; bit >= 0; bit--) {
            result = mul(result, result);
            int m = mul(result, base);
            int take = -((254 >> bit) & 1);
            result = (m & take) | (result & ~take);
        }
        return result & 0xFF;
    }

    /** a / b, b not 0. */
    static int div(int a, int b) {
        return mul(a, inverse(b));
    }
}
