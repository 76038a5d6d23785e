package io.keyhold.client;

import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.DigitalSignatureAlgorithm;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;

/**
 * The Cryptographic Parameters of Encrypt, Decrypt, Sign, Signature Verify, MAC, MAC Verify and Hash
 * (KMIP 1.4 section 2.1.5, 2.1 section 4.x). Null fields are not sent; with none set, the structure is
 * left out and the server uses the key's own parameters.
 *
 * @param algorithm          Cryptographic Algorithm
 * @param mode               Block Cipher Mode
 * @param padding            Padding Method
 * @param hashing            Hashing Algorithm
 * @param signatureAlgorithm Digital Signature Algorithm
 * @param tagLength          Tag Length in bytes (authenticated encryption)
 * @param randomIv           Random IV: whether the server picks the IV
 */
public record CryptoParameters(CryptographicAlgorithm algorithm, BlockCipherMode mode, PaddingMethod padding,
                               HashingAlgorithm hashing, DigitalSignatureAlgorithm signatureAlgorithm, Integer tagLength,
                               Boolean randomIv) {

    /** No Cryptographic Parameters: the key's own apply. */
    public static CryptoParameters none() {
        return new CryptoParameters(null, null, null, null, null, null, null);
    }

    /** AES-GCM with a 16-byte tag. */
    public static CryptoParameters aesGcm() {
        return none().withAlgorithm(CryptographicAlgorithm.AES).withMode(BlockCipherMode.GCM).withTagLength(16);
    }

    /** AES-CBC with PKCS#5 padding. */
    public static CryptoParameters aesCbcPkcs5() {
        return none().withAlgorithm(CryptographicAlgorithm.AES).withMode(BlockCipherMode.CBC).withPadding(PaddingMethod.PKCS5);
    }

    /** A hash algorithm alone (Hash, or the digest of a signature). */
    public static CryptoParameters hashing(HashingAlgorithm h) {
        return none().withHashing(h);
    }

    public CryptoParameters withAlgorithm(CryptographicAlgorithm a) {
        return new CryptoParameters(a, mode, padding, hashing, signatureAlgorithm, tagLength, randomIv);
    }

    public CryptoParameters withMode(BlockCipherMode m) {
        return new CryptoParameters(algorithm, m, padding, hashing, signatureAlgorithm, tagLength, randomIv);
    }

    public CryptoParameters withPadding(PaddingMethod p) {
        return new CryptoParameters(algorithm, mode, p, hashing, signatureAlgorithm, tagLength, randomIv);
    }

    public CryptoParameters withHashing(HashingAlgorithm h) {
        return new CryptoParameters(algorithm, mode, padding, h, signatureAlgorithm, tagLength, randomIv);
    }

    public CryptoParameters withSignatureAlgorithm(DigitalSignatureAlgorithm s) {
        return new CryptoParameters(algorithm, mode, padding, hashing, s, tagLength, randomIv);
    }

    public CryptoParameters withTagLength(Integer bytes) {
        return new CryptoParameters(algorithm, mode, padding, hashing, signatureAlgorithm, bytes, randomIv);
    }

    public CryptoParameters withRandomIv(Boolean random) {
        return new CryptoParameters(algorithm, mode, padding, hashing, signatureAlgorithm, tagLength, random);
    }

    /** True when no field is set. */
    public boolean isEmpty() {
        return algorithm == null && mode == null && padding == null && hashing == null && signatureAlgorithm == null
                && tagLength == null && randomIv == null;
    }

    /** The Cryptographic Parameters structure, fields in the specification's order. */
    TtlvItem toTtlv() {
        List<TtlvItem> c = new ArrayList<>();
        if (mode != null) {
            c.add(TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE, mode.value()));
        }
        if (padding != null) {
            c.add(TtlvItem.enumeration(Tag.PADDING_METHOD, padding.value()));
        }
        if (hashing != null) {
            c.add(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, hashing.value()));
        }
        if (signatureAlgorithm != null) {
            c.add(TtlvItem.enumeration(Tag.DIGITAL_SIGNATURE_ALGORITHM, signatureAlgorithm.value()));
        }
        if (algorithm != null) {
            c.add(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm.value()));
        }
        if (randomIv != null) {
            c.add(TtlvItem.bool(Tag.RANDOM_IV, randomIv));
        }
        if (tagLength != null) {
            c.add(TtlvItem.integer(Tag.TAG_LENGTH, tagLength));
        }
        return TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, c);
    }
}
