package io.keyhold.server.ops.keys;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.keygen.KeyPairSpec;
import io.keyhold.server.crypto.keygen.KeyPairs;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.server.CreationRules;
import io.keyhold.server.ops.object.NewObjects;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Create Key Pair (KMIP 1.4 section 4.2, 2.1 section 6.1.10): generates an RSA, EC (P-256, P-384, P-521),
 * Ed25519, Ed448, X25519 or X448 key pair (see {@link KeyPairSpec}) and stores the Private Key as PKCS#8
 * and the Public Key as X.509 SubjectPublicKeyInfo. Each key gets the common attributes (1.x Common
 * Template-Attribute, 2.x Common Attributes) overridden by its own (Private / Public Key Template-Attribute
 * or Attributes), the attributes the server sets as for Create, and a Link to the other key (Public Key
 * Link on the private key, Private Key Link on the public key). Answers the Private Key Unique Identifier,
 * then the Public Key Unique Identifier, and sets the ID Placeholder to the private key. The Common, Private
 * and Public Protection Storage Masks are checked against the server's storage ({@link
 * io.keyhold.server.ops.object.ProtectionStorage}).
 */
final class CreateKeyPairHandler implements OperationHandler {
    private final KeyPairs keyPairs;
    private final CryptoPolicy policy;
    private final Optional<TtlvItem> rngParameters;

    CreateKeyPairHandler(KeyPairs keyPairs, CryptoPolicy policy, Optional<TtlvItem> rngParameters) {
        this.keyPairs = Objects.requireNonNull(keyPairs, "keyPairs");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.rngParameters = Objects.requireNonNull(rngParameters, "rngParameters");
    }

    @Override
    public Operation operation() {
        return Operation.CREATE_KEY_PAIR;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        KeyAttributes.checkPairStorage(context, payload);
        int priv = ObjectType.PRIVATE_KEY.value();
        int pub = ObjectType.PUBLIC_KEY.value();
        List<List<KmipAttribute>> read = context.read(tx -> List.of(
                keyAttributes(context, tx, payload, Tag.PRIVATE_KEY_TEMPLATE_ATTRIBUTE, Tag.PRIVATE_KEY_ATTRIBUTES, priv),
                keyAttributes(context, tx, payload, Tag.PUBLIC_KEY_TEMPLATE_ATTRIBUTE, Tag.PUBLIC_KEY_ATTRIBUTES, pub)));
        List<KmipAttribute> privateAttributes = read.get(0);
        List<KmipAttribute> publicAttributes = read.get(1);
        KeyPairSpec spec = spec(context, policy, privateAttributes, publicAttributes);
        Pair pair = create(context, keyPairs, rngParameters, spec, privateAttributes, publicAttributes);
        context.write(tx -> {
            tx.insert(pair.privateKey());
            tx.insert(pair.publicKey());
            return null;
        });
        context.idPlaceholder(pair.privateKey().uniqueIdentifier());
        return Payloads.response(TtlvItem.text(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, pair.privateKey().uniqueIdentifier()),
                TtlvItem.text(Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER, pair.publicKey().uniqueIdentifier()));
    }

    /**
     * The attributes one key of the pair gets: the common ones (1.x template or 2.x Common Attributes) merged
     * with the key's own ({@code tag1x}, {@code tag2x}), then the creation rules of its type.
     */
    private static List<KmipAttribute> keyAttributes(OperationContext context, ReadTransaction tx, TtlvItem payload,
                                                     int tag1x, int tag2x, int objectType) throws KmipException {
        return CreationRules.apply(context, tx, objectType, KeyAttributes.merge(
                KeyAttributes.read(context, tx, payload, Tag.COMMON_TEMPLATE_ATTRIBUTE, Tag.COMMON_ATTRIBUTES, objectType),
                KeyAttributes.read(context, tx, payload, tag1x, tag2x, objectType)), List.of());
    }

    /** The new private and public key, linked to each other. */
    record Pair(StoredObject privateKey, StoredObject publicKey) {}

    /** The validated request from the attributes both keys will carry. */
    static KeyPairSpec spec(OperationContext context, CryptoPolicy policy, List<KmipAttribute> privateAttributes,
                            List<KmipAttribute> publicAttributes) throws KmipException {
        TtlvItem algorithm = KeyAttributes.agreed(privateAttributes, publicAttributes, "Cryptographic Algorithm")
                .orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA, "Cryptographic Algorithm is missing"));
        Integer length = KeyAttributes.agreed(privateAttributes, publicAttributes, "Cryptographic Length")
                .filter(l -> l.type() == ItemType.INTEGER).map(TtlvItem::intValue).orElse(null);
        KeyAttributes.agreed(privateAttributes, publicAttributes, "Cryptographic Domain Parameters");
        Integer curve = KeyAttributes.curve(privateAttributes) != null ? KeyAttributes.curve(privateAttributes)
                : KeyAttributes.curve(publicAttributes);
        int usage = KeyAttributes.mask(privateAttributes) | KeyAttributes.mask(publicAttributes);
        RecommendedCurve named = curve == null ? null : RecommendedCurve.fromValue(curve).orElse(null);
        policy.requireNewKey(algorithm.enumValue(), length, named);
        KeyPairSpec spec = KeyPairSpec.of(context.version(), algorithm.enumValue(), length, curve, usage);
        // the curve the spec settled on (EC with a length only)
        policy.requireNewKey(spec.algorithm().value(), spec.lengthBits(), spec.curve().orElse(null));
        return spec;
    }

    /**
     * Generates the pair and builds both objects with their attributes and Links (not stored yet); both get
     * the Random Number Generator attribute {@code rngParameters} describes (the generator of {@code keyPairs}).
     */
    static Pair create(OperationContext context, KeyPairs keyPairs, Optional<TtlvItem> rngParameters, KeyPairSpec spec, List<KmipAttribute> privateAttributes,
                       List<KmipAttribute> publicAttributes) throws KmipException {
        KeyPairs.Generated generated = keyPairs.generate(spec);
        List<TtlvItem> derived = new ArrayList<>();
        derived.add(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, spec.algorithm().value()));
        derived.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, spec.lengthBits()));
        spec.curve().ifPresent(c -> derived.add(TtlvItem.structure(Tag.CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
                TtlvItem.enumeration(Tag.RECOMMENDED_CURVE, c.value()))));
        // the length the spec settled on (256 given for a 255-bit curve is recorded as 255)
        StoredObject privateKey = NewObjects.build(context, ObjectType.PRIVATE_KEY.value(), generated.privateKey(),
                withoutLength(privateAttributes), derived, rngParameters);
        StoredObject publicKey = NewObjects.build(context, ObjectType.PUBLIC_KEY.value(), generated.publicKey(),
                withoutLength(publicAttributes), derived, rngParameters);
        return new Pair(KeyAttributes.withLink(privateKey, LinkType.PUBLIC_KEY_LINK, publicKey.uniqueIdentifier()),
                KeyAttributes.withLink(publicKey, LinkType.PRIVATE_KEY_LINK, privateKey.uniqueIdentifier()));
    }

    private static List<KmipAttribute> withoutLength(List<KmipAttribute> attributes) {
        return attributes.stream().filter(a -> !a.name().equals("Cryptographic Length")).toList();
    }
}
