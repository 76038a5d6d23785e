package io.keyhold.server.crypto.cipher;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import java.util.Objects;

/**
 * How to encrypt or decrypt: algorithm, mode, padding, AEAD tag length, OAEP hashes and label and who
 * supplies the IV. Immutable and validated when made ({@link #of}): an instance is always a combination {@link Ciphers}
 * can run.
 */
public final class CipherSpec {
    /** Cipher algorithms with their block size in bytes (0: not a block cipher). */
    public enum Algorithm {
        AES(16), TRIPLE_DES(8), CHACHA20(0), CHACHA20_POLY1305(0), RSA(0);

        final int blockBytes;

        Algorithm(int blockBytes) {
            this.blockBytes = blockBytes;
        }
    }

    /**
     * Modes of operation; {@code AEAD} is ChaCha20-Poly1305's own construction, {@code STREAM} plain ChaCha20's,
     * {@code NONE} is RSA's.
     */
    public enum Mode {
        CBC, ECB, CTR, GCM, KEY_WRAP, KEY_WRAP_PADDED, AEAD, STREAM, NONE,
        /** XTS-AES (IEEE 1619, SP 800-38E): the IV/Counter/Nonce is the data unit's 16-byte tweak. */
        XTS;

        boolean usesIv() {
            return this == CBC || this == CTR || this == GCM || this == AEAD || this == STREAM || this == XTS;
        }

        boolean authenticated() {
            return this == GCM || this == AEAD;
        }
    }

    /** Padding methods. */
    public enum Padding {
        NONE, PKCS5, OAEP, PKCS1_V1_5
    }

    /** Hash functions for OAEP and MGF1, with their JCA names. */
    public enum Hash {
        SHA_1("SHA-1"), SHA_224("SHA-224"), SHA_256("SHA-256"), SHA_384("SHA-384"), SHA_512("SHA-512");

        final String jcaName;

        Hash(String jcaName) {
            this.jcaName = jcaName;
        }
    }

    public static final int DEFAULT_TAG_BYTES = 16;
    public static final int DEFAULT_GCM_IV_BYTES = 12;

    private final Algorithm algorithm;
    private final Mode mode;
    private final Padding padding;
    private final int tagLengthBytes;
    private final Hash oaepHash;
    private final Hash mgfHash;
    private final boolean serverIv;
    private final int ivLengthBytes;
    private final byte[] oaepLabel;

    private CipherSpec(Algorithm algorithm, Mode mode, Padding padding, int tagLengthBytes, Hash oaepHash, Hash mgfHash,
                       boolean serverIv, int ivLengthBytes, byte[] oaepLabel) {
        this.algorithm = algorithm;
        this.mode = mode;
        this.padding = padding;
        this.tagLengthBytes = tagLengthBytes;
        this.oaepHash = oaepHash;
        this.mgfHash = mgfHash;
        this.serverIv = serverIv;
        this.ivLengthBytes = ivLengthBytes;
        this.oaepLabel = oaepLabel;
    }

    /**
     * A validated specification.
     *
     * @param tagLengthBytes AEAD tag length, 0 for the default (16); ignored by other modes
     * @param oaepHash       OAEP hash, null for SHA-1 (PKCS #1 default); only with OAEP
     * @param mgfHash        MGF1 hash, null for SHA-1; only with OAEP
     * @param serverIv       true when the client asked for a Random IV chosen by the server
     * @param ivLengthBytes  the IV length to generate, 0 for the mode's default
     * @throws KmipException Bad Cryptographic Parameters for combinations that make no sense, Unsupported
     *                       Cryptographic Parameters for sensible ones this server does not implement
     */
    public static CipherSpec of(Algorithm algorithm, Mode mode, Padding padding, int tagLengthBytes, Hash oaepHash,
                                Hash mgfHash, boolean serverIv, int ivLengthBytes) throws KmipException {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(padding, "padding");
        String what = algorithm + " with mode " + mode + " and padding " + padding;
        switch (algorithm) {
            case AES, TRIPLE_DES -> {
                if (mode == Mode.NONE || mode == Mode.AEAD) {
                    throw bad(what + ": a block cipher needs a Block Cipher Mode such as CBC or GCM");
                }
                if (algorithm == Algorithm.AES && mode == Mode.XTS && padding != Padding.NONE) {
                    throw bad(what + ": XTS takes no padding (a final partial block is handled by ciphertext stealing)");
                }
                if (algorithm == Algorithm.TRIPLE_DES && mode != Mode.CBC && mode != Mode.ECB) {
                    throw unsupported(what + ": Triple DES is supported with CBC and ECB only");
                }
                if ((mode == Mode.CBC || mode == Mode.ECB) && padding != Padding.NONE && padding != Padding.PKCS5) {
                    throw padding == Padding.OAEP || padding == Padding.PKCS1_V1_5 ? bad(what + ": that padding is for RSA")
                            : unsupported(what + ": only PKCS5 or None padding is supported with " + mode);
                }
                if (mode != Mode.CBC && mode != Mode.ECB && padding != Padding.NONE) {
                    throw bad(what + ": " + mode + " takes no padding");
                }
            }
            case CHACHA20 -> {
                if (mode != Mode.STREAM || padding != Padding.NONE) {
                    throw bad(what + ": plain ChaCha20 is a stream cipher without mode or padding");
                }
            }
            case CHACHA20_POLY1305 -> {
                if (mode != Mode.AEAD || padding != Padding.NONE) {
                    throw bad(what + ": ChaCha20-Poly1305 is used with Block Cipher Mode AEAD and no padding");
                }
            }
            case RSA -> {
                if (mode != Mode.NONE) {
                    throw bad(what + ": RSA takes no Block Cipher Mode");
                }
                if (padding != Padding.OAEP && padding != Padding.PKCS1_V1_5) {
                    throw padding == Padding.NONE ? unsupported(what + ": raw RSA without padding is not supported")
                            : bad(what + ": RSA encryption uses OAEP or PKCS1 v1.5 padding");
                }
            }
            default -> throw new IllegalStateException();
        }
        if (padding != Padding.OAEP && (oaepHash != null || mgfHash != null)) {
            oaepHash = null;
            mgfHash = null;
        }
        if (padding == Padding.OAEP) {
            oaepHash = oaepHash == null ? Hash.SHA_1 : oaepHash;
            mgfHash = mgfHash == null ? Hash.SHA_1 : mgfHash;
        }
        int tag = 0;
        if (mode.authenticated()) {
            tag = tagLengthBytes == 0 ? DEFAULT_TAG_BYTES : tagLengthBytes;
            // 12 to 16 bytes: NIST SP 800-38D's GCM tags of 96 bits and more; ChaCha20-Poly1305's 16-byte tag
            // (RFC 8439), or its first 12 to 15 bytes, which the OASIS test case CS-BC-M-CHACHA20POLY1305-1
            // decrypts with. Any other length is a General Failure, the Result Reason the OASIS test cases
            // CS-BC-M-GCM-1 and CS-BC-M-CHACHA20POLY1305-1 give it.
            if ((mode == Mode.GCM || mode == Mode.AEAD) && (tag < 12 || tag > 16)) {
                throw new KmipException(ResultReason.GENERAL_FAILURE, "Tag Length " + tagLengthBytes + " (expected: 12 to 16 bytes for "
                        + (mode == Mode.GCM ? "GCM" : "ChaCha20-Poly1305") + ")");
            }
        }
        if (!mode.usesIv() && (serverIv || ivLengthBytes != 0)) {
            throw bad(what + " uses no IV");
        }
        int ivBytes = ivLengthBytes;
        if (ivBytes != 0) {
            int fixed = fixedIvBytes(algorithm, mode);
            if (fixed != 0 && ivBytes != fixed) {
                throw bad("IV Length " + ivBytes * 8 + " bits (expected: " + fixed * 8 + " for " + algorithm + " " + mode + ")");
            }
            if (mode == Mode.GCM && (ivBytes < 8 || ivBytes > 128)) {
                throw bad("IV Length " + ivBytes * 8 + " bits (expected: 64 to 1024 for GCM)");
            }
        }
        return new CipherSpec(algorithm, mode, padding, tag, oaepHash, mgfHash, serverIv, ivBytes, EMPTY);
    }

    /**
     * This specification with an OAEP label (the KMIP P Source, PKCS #1 section 7.1's L), which binds the
     * ciphertext to it: decrypting needs the same label. An empty label is the PKCS #1 default.
     *
     * @throws KmipException Bad Cryptographic Parameters when a non-empty label is given without OAEP padding
     */
    public CipherSpec withOaepLabel(byte[] label) throws KmipException {
        Objects.requireNonNull(label, "label");
        if (padding != Padding.OAEP && label.length > 0) {
            throw bad("a P Source (OAEP label) is given with padding " + padding + " (expected: OAEP)");
        }
        return new CipherSpec(algorithm, mode, padding, tagLengthBytes, oaepHash, mgfHash, serverIv, ivLengthBytes,
                label.clone());
    }

    /** The only IV length the mode accepts, or 0 when several are allowed (GCM) or none is used. */
    static int fixedIvBytes(Algorithm algorithm, Mode mode) {
        return switch (mode) {
            case CBC, CTR -> algorithm.blockBytes;
            case AEAD -> 12;
            case XTS -> 16;
            default -> 0;
        };
    }

    private static final byte[] EMPTY = new byte[0];

    private static KmipException bad(String message) {
        return new KmipException(ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, message);
    }

    private static KmipException unsupported(String message) {
        return new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, message);
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    public Mode mode() {
        return mode;
    }

    public Padding padding() {
        return padding;
    }

    /** The AEAD tag length in bytes; 0 for modes without a tag. */
    public int tagLengthBytes() {
        return tagLengthBytes;
    }

    /** True for GCM and ChaCha20-Poly1305. */
    public boolean authenticated() {
        return mode.authenticated();
    }

    /** True when the mode takes an IV, counter or nonce. */
    public boolean usesIv() {
        return mode.usesIv();
    }

    /** True when the client asked the server to choose the IV (Random IV). */
    public boolean serverIv() {
        return serverIv;
    }

    /** The IV length to generate: the one asked for, else the mode's default. */
    public int ivLengthBytes() {
        if (ivLengthBytes != 0) {
            return ivLengthBytes;
        }
        int fixed = fixedIvBytes(algorithm, mode);
        return fixed != 0 ? fixed : mode == Mode.GCM ? DEFAULT_GCM_IV_BYTES : mode == Mode.STREAM ? 16 : 0;
    }

    /** The JCA transformation, e.g. {@code AES/GCM/NoPadding}. */
    String transformation() {
        return switch (algorithm) {
            case AES, TRIPLE_DES -> {
                String alg = algorithm == Algorithm.AES ? "AES" : "DESede";
                String m = switch (mode) {
                    case KEY_WRAP -> "KW";
                    case KEY_WRAP_PADDED -> "KWP";
                    default -> mode.name();
                };
                yield alg + "/" + m + "/" + (padding == Padding.PKCS5 ? "PKCS5Padding" : "NoPadding");
            }
            case CHACHA20 -> "ChaCha20";
            case CHACHA20_POLY1305 -> "ChaCha20-Poly1305";
            case RSA -> padding == Padding.OAEP ? "RSA/ECB/OAEPPadding" : "RSA/ECB/PKCS1Padding";
        };
    }

    /** The JCA secret-key algorithm name for symmetric ciphers. */
    String keyAlgorithm() {
        return switch (algorithm) {
            case AES -> "AES";
            case TRIPLE_DES -> "DESede";
            case CHACHA20, CHACHA20_POLY1305 -> "ChaCha20";
            case RSA -> "RSA";
        };
    }

    Hash oaepHash() {
        return oaepHash;
    }

    Hash mgfHash() {
        return mgfHash;
    }

    /** The OAEP label (P Source); empty by default. */
    byte[] oaepLabel() {
        return oaepLabel.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CipherSpec s && s.algorithm == algorithm && s.mode == mode && s.padding == padding
                && s.tagLengthBytes == tagLengthBytes && s.oaepHash == oaepHash && s.mgfHash == mgfHash
                && s.serverIv == serverIv && s.ivLengthBytes == ivLengthBytes && java.util.Arrays.equals(s.oaepLabel, oaepLabel);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, mode, padding, tagLengthBytes, oaepHash, mgfHash, serverIv, ivLengthBytes,
                java.util.Arrays.hashCode(oaepLabel));
    }

    @Override
    public String toString() {
        return algorithm + "/" + mode + "/" + padding + (tagLengthBytes > 0 ? ", tag " + tagLengthBytes + " bytes" : "")
                + (oaepHash != null ? ", OAEP " + oaepHash + " MGF1 " + mgfHash : "")
                + (oaepLabel.length > 0 ? ", label " + oaepLabel.length + " bytes" : "") + (serverIv ? ", random IV" : "");
    }
}
