package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.server.CreationRules;
import io.keyhold.server.store.StoredObject;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Create (KMIP 1.4 section 4.1, 2.1 section 6.1): generates a Symmetric Key of the requested Cryptographic
 * Algorithm and Length (see {@link SymmetricKeys}) with the attributes of the 1.x Template-Attribute (and
 * the Templates it names) or the 2.x Attributes, and stores it as a Raw Key Block. Answers Object Type,
 * then Unique Identifier; the optional 1.x Template-Attribute of implicitly set attributes is not sent.
 * The key gets the Random Number Generator attribute of the server's generator. Sets the ID Placeholder. Other object types are refused (Invalid Object Type in 2.x, Invalid Field in
 * 1.x): key pairs are Create Key Pair's, the rest is registered.
 */
final class CreateHandler implements OperationHandler {
    private static final VersionRules RULES = VersionRules.standard();

    private final SecureRandom random;
    private final CryptoPolicy policy;
    private final Optional<TtlvItem> rngParameters;

    CreateHandler(SecureRandom random, CryptoPolicy policy) {
        this.random = Objects.requireNonNull(random, "random");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.rngParameters = ServerRandom.describe(random);
    }

    @Override
    public Operation operation() {
        return Operation.CREATE;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        int objectType = Payloads.required(payload, Tag.OBJECT_TYPE, ItemType.ENUMERATION).enumValue();
        if (objectType != ObjectType.SYMMETRIC_KEY.value()) {
            String name = ObjectType.fromValue(objectType).map(ObjectType::specName).orElse("0x" + Integer.toHexString(objectType));
            throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                    "Create makes Symmetric Keys only, not " + name);
        }
        List<KmipAttribute> client = context.read(tx -> CreationRules.apply(context, tx, objectType,
                RequestAttributes.read(context, tx, payload, objectType), List.of()));
        TtlvItem algorithm = NewObjects.clientValue(client, "Cryptographic Algorithm", ItemType.ENUMERATION)
                .orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA, "Cryptographic Algorithm is missing"));
        Optional<TtlvItem> length = NewObjects.clientValue(client, "Cryptographic Length", ItemType.INTEGER);
        Optional<CryptographicAlgorithm> known = CryptographicAlgorithm.fromValue(algorithm.enumValue());
        if (known.isPresent() && !RULES.hasValue(CryptographicAlgorithm.SPEC_NAME, known.get().value(), context.version())) {
            // stored, the key could not be returned in the request's version: Get would fail to encode it
            throw new KmipException(ResultReason.INVALID_FIELD, "Cryptographic Algorithm " + known.get().specName()
                    + " does not exist in KMIP " + context.version());
        }
        policy.requireNewKey(algorithm.enumValue(), length.map(TtlvItem::intValue).orElse(null), null);
        SymmetricKeys.Generated key = SymmetricKeys.generate(algorithm.enumValue(),
                length.map(TtlvItem::intValue).orElse(null), random);
        TtlvItem lengthItem = key.lengthItem();
        TtlvItem object = key.toObject(algorithm.enumValue());
        List<TtlvItem> derived = length.isPresent() ? List.of() : List.of(lengthItem);
        StoredObject stored = NewObjects.build(context, objectType, object, client, derived, rngParameters);
        context.write(tx -> {
            tx.insert(stored);
            return null;
        });
        context.idPlaceholder(stored.uniqueIdentifier());
        return Payloads.response(TtlvItem.enumeration(Tag.OBJECT_TYPE, objectType),
                Payloads.uniqueIdentifier(stored.uniqueIdentifier()));
    }
}
