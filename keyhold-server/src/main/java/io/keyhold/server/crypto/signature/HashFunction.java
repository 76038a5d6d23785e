package io.keyhold.server.crypto.signature;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.ResultReason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash functions this server signs, MACs and hashes with, by their KMIP Hashing Algorithm. MD2, MD4,
 * MD5, RIPEMD-160, Tiger and Whirlpool are not offered: they are broken or unused by KMIP clients.
 */
public enum HashFunction {
    // DigestInfo prefixes: RFC 8017 section 9.2 note 1 (SHA-1, SHA-2); SHA-3 OIDs 2.16.840.1.101.3.4.2.7-10 (NIST CSOR)
    SHA_1(HashingAlgorithm.SHA_1, "SHA-1", "SHA1", 20, "3021300906052b0e03021a05000414"),
    SHA_224(HashingAlgorithm.SHA_224, "SHA-224", "SHA224", 28, "302d300d06096086480165030402040500041c"),
    SHA_256(HashingAlgorithm.SHA_256, "SHA-256", "SHA256", 32, "3031300d060960864801650304020105000420"),
    SHA_384(HashingAlgorithm.SHA_384, "SHA-384", "SHA384", 48, "3041300d060960864801650304020205000430"),
    SHA_512(HashingAlgorithm.SHA_512, "SHA-512", "SHA512", 64, "3051300d060960864801650304020305000440"),
    SHA_512_224(HashingAlgorithm.SHA_512_224, "SHA-512/224", "SHA512/224", 28, "302d300d06096086480165030402050500041c"),
    SHA_512_256(HashingAlgorithm.SHA_512_256, "SHA-512/256", "SHA512/256", 32, "3031300d060960864801650304020605000420"),
    SHA3_224(HashingAlgorithm.SHA3_224, "SHA3-224", "SHA3-224", 28, "302d300d06096086480165030402070500041c"),
    SHA3_256(HashingAlgorithm.SHA3_256, "SHA3-256", "SHA3-256", 32, "3031300d060960864801650304020805000420"),
    SHA3_384(HashingAlgorithm.SHA3_384, "SHA3-384", "SHA3-384", 48, "3041300d060960864801650304020905000430"),
    SHA3_512(HashingAlgorithm.SHA3_512, "SHA3-512", "SHA3-512", 64, "3051300d060960864801650304020a05000440");

    private final HashingAlgorithm kmip;
    final String jcaDigest;
    /** The hash's part of JCA signature and MAC names ("SHA256" in "SHA256withRSA", "HmacSHA256"). */
    final String jcaShort;
    private final int lengthBytes;
    private final String digestInfoPrefixHex;

    HashFunction(HashingAlgorithm kmip, String jcaDigest, String jcaShort, int lengthBytes, String digestInfoPrefixHex) {
        this.kmip = kmip;
        this.jcaDigest = jcaDigest;
        this.jcaShort = jcaShort;
        this.lengthBytes = lengthBytes;
        this.digestInfoPrefixHex = digestInfoPrefixHex;
    }

    /** The KMIP Hashing Algorithm. */
    public HashingAlgorithm kmip() {
        return kmip;
    }

    /** The digest length in bytes. */
    public int lengthBytes() {
        return lengthBytes;
    }

    /** The DER DigestInfo of a digest made by this function (RSASSA-PKCS1-v1_5 over a given digest). */
    byte[] digestInfo(byte[] digest) {
        byte[] prefix = HexFormat.of().parseHex(digestInfoPrefixHex);
        byte[] out = new byte[prefix.length + digest.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(digest, 0, out, prefix.length, digest.length);
        return out;
    }

    MessageDigest newDigest() throws KmipException {
        try {
            return MessageDigest.getInstance(jcaDigest);
        } catch (NoSuchAlgorithmException e) {
            throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, "Hashing Algorithm "
                    + kmip.specName() + " is not available on this server");
        }
    }

    /**
     * The function for a Hashing Algorithm enumeration value.
     *
     * @throws KmipException Unsupported Cryptographic Parameters for a value not offered here
     */
    public static HashFunction of(int hashingAlgorithm) throws KmipException {
        for (HashFunction f : values()) {
            if (f.kmip.value() == hashingAlgorithm) {
                return f;
            }
        }
        throw new KmipException(ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS, "Hashing Algorithm "
                + HashingAlgorithm.fromValue(hashingAlgorithm).map(HashingAlgorithm::specName)
                .orElse("0x" + Integer.toHexString(hashingAlgorithm)) + " is not supported (expected: SHA-1, SHA-2 or SHA-3)");
    }
}
