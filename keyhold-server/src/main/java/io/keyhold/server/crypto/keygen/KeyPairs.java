package io.keyhold.server.crypto.keygen;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.format.KeyFormats;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * Generates key pairs with the JDK's providers and returns them as KMIP object structures, each with the
 * Cryptographic Algorithm and Length of the {@link KeyPairSpec}. RSA keys use the public exponent 65537 and
 * are kept in PKCS#1 (RSAPrivateKey and RSAPublicKey), the default Key Format Type KMIP gives RSA keys (KMIP
 * 1.4 section 3.17, 2.1 section 4.13, and what the OASIS asymmetric key profiles expect); other private keys
 * are kept in PKCS#8 and public keys in X.509 (SubjectPublicKeyInfo). EC keys use the named curve
 * (secp256r1, secp384r1, secp521r1). Get converts to any other format a client asks for.
 */
public final class KeyPairs {
    private final SecureRandom random;

    public KeyPairs(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The two object structures of a new key pair. Neither prints its material. */
    public record Generated(TtlvItem privateKey, TtlvItem publicKey) {
        @Override
        public String toString() {
            return "Generated[private and public key structures]";
        }
    }

    /**
     * A new key pair.
     *
     * @throws KmipException Cryptographic Failure when the provider fails
     */
    public Generated generate(KeyPairSpec spec) throws KmipException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(spec.family().jcaName());
            switch (spec.family()) {
                case RSA -> generator.initialize(new RSAKeyGenParameterSpec(spec.lengthBits(), RSAKeyGenParameterSpec.F4), random);
                case EC -> generator.initialize(new ECGenParameterSpec(jcaCurve(spec.lengthBits())), random);
                default -> generator.initialize(spec.lengthBits(), random);
            }
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the key pair generator failed for " + spec.describe());
        }
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        byte[] spki = pair.getPublic().getEncoded();
        if (pkcs8 == null || spki == null) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the provider gave no encoding for " + spec.describe());
        }
        TtlvItem privateKey = TtlvItem.structure(Tag.PRIVATE_KEY, keyBlock(KeyFormatType.PKCS_8, pkcs8, spec));
        TtlvItem publicKey = TtlvItem.structure(Tag.PUBLIC_KEY, keyBlock(KeyFormatType.X_509, spki, spec));
        Arrays.fill(pkcs8, (byte) 0);
        if (spec.family() == KeyPairSpec.Family.RSA) {
            privateKey = KeyFormats.convert(privateKey, KeyFormatType.PKCS_1.value());
            publicKey = KeyFormats.convert(publicKey, KeyFormatType.PKCS_1.value());
        }
        return new Generated(privateKey, publicKey);
    }

    private static TtlvItem keyBlock(KeyFormatType format, byte[] material, KeyPairSpec spec) {
        return TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, spec.algorithm().value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, spec.lengthBits()));
    }

    private static String jcaCurve(int bits) {
        return switch (bits) {
            case 256 -> "secp256r1";
            case 384 -> "secp384r1";
            case 521 -> "secp521r1";
            default -> throw new IllegalArgumentException("no NIST curve of " + bits + " bits");
        };
    }
}
