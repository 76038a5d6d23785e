package io.keyhold.server.ops.keys;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.crypto.keygen.KeyPairSpec;
import io.keyhold.server.crypto.keygen.KeyPairs;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.StoredObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A key pair made as Create Key Pair makes one, for operations that make keys of their own (Re-Provision):
 * the Private Key and Public Key objects, linked to each other, with the attributes the server sets, not
 * stored yet.
 */
public final class KeyPairObjects {
    private KeyPairObjects() {
    }

    /** The new private and public key, linked to each other. */
    public record Pair(StoredObject privateKey, StoredObject publicKey) {
    }

    /**
     * Generates a pair of the algorithm (a KMIP Cryptographic Algorithm value) with the length or curve (a
     * Recommended Curve value) given, as far as the policy allows.
     *
     * @param privateMask Cryptographic Usage Mask of the private key
     * @param publicMask  Cryptographic Usage Mask of the public key
     */
    public static Pair generate(OperationContext context, SecureRandom random, CryptoPolicy policy, int algorithm,
                                Integer length, Integer curve, int privateMask, int publicMask) throws KmipException {
        List<KmipAttribute> common = new ArrayList<>();
        common.add(KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm)));
        if (length != null) {
            common.add(KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, length)));
        }
        if (curve != null) {
            common.add(KmipAttribute.of(TtlvItem.structure(Tag.CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
                    TtlvItem.enumeration(Tag.RECOMMENDED_CURVE, curve))));
        }
        List<KmipAttribute> privateAttributes = new ArrayList<>(common);
        privateAttributes.add(KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, privateMask)));
        List<KmipAttribute> publicAttributes = new ArrayList<>(common);
        publicAttributes.add(KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, publicMask)));
        KeyPairSpec spec = CreateKeyPairHandler.spec(context, policy, privateAttributes, publicAttributes);
        CreateKeyPairHandler.Pair made = CreateKeyPairHandler.create(context, new KeyPairs(random),
                ServerRandom.describe(random), spec, privateAttributes, publicAttributes);
        return new Pair(made.privateKey(), made.publicKey());
    }
}
