package io.keyhold.server.crypto.split;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Splits a secret into parts and joins parts back (KMIP 1.4 section 2.2.5 Split Key, 2.1 section 2.2.8):
 * XOR (all parts needed), Shamir over GF(2^8) byte by byte, and Shamir over a prime field. Part i has x
 * coordinate (Key Part Identifier) i, from 1. Random coefficients and intermediate values are zeroed after
 * use; the secret passed in is left to the caller to zero.
 */
public final class SecretSharing {
    private SecretSharing() {}

    /**
     * The parts of a secret, in Key Part Identifier order 1..parts.
     *
     * @throws IllegalArgumentException when the secret is empty, or too large for the prime field
     */
    public static List<Share> split(SplitParameters parameters, byte[] secret, SecureRandom random) {
        Objects.requireNonNull(random, "random");
        if (secret.length == 0) {
            throw new IllegalArgumentException("the secret to split is empty");
        }
        return switch (parameters.method()) {
            case XOR -> splitXor(parameters.parts(), secret, random);
            case POLYNOMIAL_GF_2_8 -> splitGf256(parameters.parts(), parameters.threshold(), secret, random);
            case POLYNOMIAL_PRIME_FIELD -> splitPrime(parameters, secret, random);
        };
    }

    /**
     * The secret from at least threshold parts (XOR: exactly all of them).
     *
     * @param secretLengthBytes the secret's length; used by the prime field method, whose parts do not have it
     * @throws IllegalArgumentException too few parts, repeated identifiers, or parts of different lengths
     */
    public static byte[] join(SplitParameters parameters, List<Share> shares, int secretLengthBytes) {
        if (shares.size() < parameters.threshold()) {
            throw new IllegalArgumentException(parameters.threshold() + " parts are needed to join the secret, "
                    + shares.size() + " given");
        }
        Set<Integer> seen = new HashSet<>();
        for (Share s : shares) {
            if (!seen.add(s.identifier())) {
                throw new IllegalArgumentException("Key Part Identifier " + s.identifier() + " is given twice");
            }
            if (s.identifier() > parameters.parts()) {
                throw new IllegalArgumentException("Key Part Identifier " + s.identifier() + " (expected: 1 to "
                        + parameters.parts() + ")");
            }
        }
        int length = shares.get(0).valueUnsafe().length;
        for (Share s : shares) {
            if (s.valueUnsafe().length != length) {
                throw new IllegalArgumentException("the parts have different lengths");
            }
        }
        List<Share> used = shares.subList(0, parameters.threshold());
        return switch (parameters.method()) {
            case XOR -> joinXor(used, length);
            case POLYNOMIAL_GF_2_8 -> joinGf256(used, length);
            case POLYNOMIAL_PRIME_FIELD -> joinPrime(parameters.primeFieldSize(), used, secretLengthBytes);
        };
    }

    private static List<Share> splitXor(int parts, byte[] secret, SecureRandom random) {
        List<Share> out = new ArrayList<>(parts);
        byte[] last = secret.clone();
        byte[] r = new byte[secret.length];
        for (int i = 1; i < parts; i++) {
            random.nextBytes(r);
            for (int k = 0; k < r.length; k++) {
                last[k] ^= r[k];
            }
            out.add(new Share(i, r));
        }
        out.add(new Share(parts, last));
        Arrays.fill(r, (byte) 0);
        Arrays.fill(last, (byte) 0);
        return out;
    }

    private static byte[] joinXor(List<Share> shares, int length) {
        byte[] out = new byte[length];
        for (Share s : shares) {
            byte[] v = s.valueUnsafe();
            for (int k = 0; k < length; k++) {
                out[k] ^= v[k];
            }
        }
        return out;
    }

    private static List<Share> splitGf256(int parts, int threshold, byte[] secret, SecureRandom random) {
        byte[][] values = new byte[parts][secret.length];
        byte[] coefficients = new byte[threshold];
        for (int k = 0; k < secret.length; k++) {
            coefficients[0] = secret[k];
            byte[] rest = new byte[threshold - 1];
            random.nextBytes(rest);
            System.arraycopy(rest, 0, coefficients, 1, rest.length);
            Arrays.fill(rest, (byte) 0);
            for (int x = 1; x <= parts; x++) {
                values[x - 1][k] = (byte) evaluate(coefficients, x);
            }
        }
        Arrays.fill(coefficients, (byte) 0);
        List<Share> out = new ArrayList<>(parts);
        for (int x = 1; x <= parts; x++) {
            out.add(new Share(x, values[x - 1]));
            Arrays.fill(values[x - 1], (byte) 0);
        }
        return out;
    }

    /** f(x) = c0 + c1 x + ... by Horner's rule in GF(2^8). */
    static int evaluate(byte[] coefficients, int x) {
        int y = 0;
        for (int i = coefficients.length - 1; i >= 0; i--) {
            y = Gf256.add(Gf256.mul(y, x), coefficients[i] & 0xFF);
        }
        return y;
    }

    private static byte[] joinGf256(List<Share> shares, int length) {
        int n = shares.size();
        // Lagrange basis at 0: l_i = prod_{j != i} x_j / (x_j - x_i); subtraction is XOR
        int[] basis = new int[n];
        for (int i = 0; i < n; i++) {
            int num = 1;
            int den = 1;
            int xi = shares.get(i).identifier();
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    int xj = shares.get(j).identifier();
                    num = Gf256.mul(num, xj);
                    den = Gf256.mul(den, Gf256.add(xj, xi));
                }
            }
            basis[i] = Gf256.div(num, den);
        }
        byte[] out = new byte[length];
        for (int k = 0; k < length; k++) {
            int s = 0;
            for (int i = 0; i < n; i++) {
                s ^= Gf256.mul(shares.get(i).valueUnsafe()[k] & 0xFF, basis[i]);
            }
            out[k] = (byte) s;
        }
        return out;
    }

    private static List<Share> splitPrime(SplitParameters parameters, byte[] secret, SecureRandom random) {
        BigInteger p = parameters.primeFieldSize();
        if (p.compareTo(BigInteger.ONE.shiftLeft(secret.length * 8)) <= 0) {
            throw new IllegalArgumentException("Prime Field Size must be larger than 2^" + (secret.length * 8)
                    + " for a " + (secret.length * 8) + "-bit secret");
        }
        BigInteger[] coefficients = new BigInteger[parameters.threshold()];
        coefficients[0] = new BigInteger(1, secret);
        for (int i = 1; i < coefficients.length; i++) {
            BigInteger c;
            do {
                c = new BigInteger(p.bitLength(), random);
            } while (c.compareTo(p) >= 0);
            coefficients[i] = c;
        }
        int width = (p.bitLength() + 7) / 8;
        List<Share> out = new ArrayList<>(parameters.parts());
        for (int x = 1; x <= parameters.parts(); x++) {
            BigInteger y = BigInteger.ZERO;
            BigInteger bx = BigInteger.valueOf(x);
            for (int i = coefficients.length - 1; i >= 0; i--) {
                y = y.multiply(bx).add(coefficients[i]).mod(p);
            }
            byte[] v = fixed(y, width);
            out.add(new Share(x, v));
            Arrays.fill(v, (byte) 0);
        }
        Arrays.fill(coefficients, BigInteger.ZERO);
        return out;
    }

    private static byte[] joinPrime(BigInteger p, List<Share> shares, int secretLengthBytes) {
        BigInteger s = BigInteger.ZERO;
        for (int i = 0; i < shares.size(); i++) {
            BigInteger xi = BigInteger.valueOf(shares.get(i).identifier());
            BigInteger num = BigInteger.ONE;
            BigInteger den = BigInteger.ONE;
            for (int j = 0; j < shares.size(); j++) {
                if (j != i) {
                    BigInteger xj = BigInteger.valueOf(shares.get(j).identifier());
                    num = num.multiply(xj).mod(p);
                    den = den.multiply(xj.subtract(xi)).mod(p);
                }
            }
            BigInteger yi = new BigInteger(1, shares.get(i).valueUnsafe());
            s = s.add(yi.multiply(num).multiply(den.modInverse(p))).mod(p);
        }
        if (s.bitLength() > secretLengthBytes * 8) {
            throw new IllegalArgumentException("the parts do not join to a " + secretLengthBytes + "-byte secret");
        }
        return fixed(s, secretLengthBytes);
    }

    /** Big-endian, unsigned, left-padded with zeros to width bytes. */
    private static byte[] fixed(BigInteger v, int width) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[width];
        int copy = Math.min(raw.length, width);
        System.arraycopy(raw, raw.length - copy, out, width - copy, copy);
        Arrays.fill(raw, (byte) 0);
        return out;
    }
}
