package io.keyhold.server.ops.keys;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.KeyUse;
import io.keyhold.server.crypto.derive.DerivationSpec;
import io.keyhold.server.crypto.derive.KeyDerivation;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.NewObjects;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.ops.object.RequestAttributes;
import io.keyhold.server.store.StoredObject;
import java.util.List;

/**
 * Derive Key (KMIP 1.4 section 4.6, 2.1 section 6.1.12): derives a new Symmetric Key or Secret Data from
 * one base Symmetric Key or Secret Data that is Active and has the Derive Key usage, with the Derivation
 * Method and Derivation Parameters of {@link DerivationSpec}. The new object has the request's
 * Template-Attribute (1.x) or Attributes (2.x): Cryptographic Length is required (the output size), and so
 * is Cryptographic Algorithm for a Symmetric Key. The new object gets a Derivation Base Object Link to the
 * base, the base a Derived Key Link to the new object. Answers the new Unique Identifier and sets the ID
 * Placeholder. Several base objects (Unique Identifier repeated) are Feature Not Supported.
 */
final class DeriveKeyHandler implements OperationHandler {
    private final CryptoPolicy policy;

    DeriveKeyHandler(CryptoPolicy policy) {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Operation operation() {
        return Operation.DERIVE_KEY;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        int objectType = Payloads.required(payload, Tag.OBJECT_TYPE, ItemType.ENUMERATION).enumValue();
        if (objectType != ObjectType.SYMMETRIC_KEY.value() && objectType != ObjectType.SECRET_DATA.value()) {
            String name = ObjectType.fromValue(objectType).map(ObjectType::specName).orElse("0x" + Integer.toHexString(objectType));
            throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                    "Derive Key makes Symmetric Keys and Secret Data only, not " + name);
        }
        if (payload.childrenWith(Tag.UNIQUE_IDENTIFIER).size() > 1) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Derive Key from more than one base object is not"
                    + " supported");
        }
        String baseUid = ManagedObjects.uniqueIdentifier(context, payload);
        int method = Payloads.required(payload, Tag.DERIVATION_METHOD, ItemType.ENUMERATION).enumValue();
        TtlvItem parameters = Payloads.required(payload, Tag.DERIVATION_PARAMETERS, ItemType.STRUCTURE);
        List<KmipAttribute> client = context.read(tx -> RequestAttributes.read(context, tx, payload, objectType));
        int lengthBits = NewObjects.clientValue(client, "Cryptographic Length", ItemType.INTEGER).map(TtlvItem::intValue)
                .orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA, "Cryptographic Length of the derived object is"
                        + " missing"));
        int algorithm = -1;
        if (objectType == ObjectType.SYMMETRIC_KEY.value()) {
            algorithm = NewObjects.clientValue(client, "Cryptographic Algorithm", ItemType.ENUMERATION).map(TtlvItem::enumValue)
                    .orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA, "Cryptographic Algorithm of the derived"
                            + " key is missing"));
        }
        DerivationSpec spec = DerivationSpec.of(method, parameters, lengthBits);
        policy.requireDerivation(spec);
        if (objectType == ObjectType.SYMMETRIC_KEY.value()) {
            policy.requireNewKey(algorithm, lengthBits, null);
        }
        int alg = algorithm;
        StoredObject derived = context.write(tx -> {
            StoredObject base = ManagedObjects.load(context, tx, baseUid);
            Payloads.requireOnline(base);
            if (Lifecycle.isDestroyed(base)) {
                throw Lifecycle.destroyed(context.version(), base);
            }
            int baseType = base.objectType();
            if (baseType != ObjectType.SYMMETRIC_KEY.value() && baseType != ObjectType.SECRET_DATA.value()) {
                throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                        "the base object of Derive Key must be a Symmetric Key or Secret Data");
            }
            KeyUse.require(base, KeyUse.Purpose.PROTECT, CryptographicUsageMask.DERIVE_KEY, context.now());
            policy.requireKey(base, CryptoPolicy.Use.DERIVE);
            TtlvItem object = KeyDerivation.deriveObject(spec, base, objectType, alg);
            StoredObject created = NewObjects.build(context, objectType, object, client, List.of());
            created = KeyAttributes.withLink(created, LinkType.DERIVATION_BASE_OBJECT_LINK, base.uniqueIdentifier());
            tx.insert(created);
            tx.update(Lifecycle.touch(KeyAttributes.withLink(base, LinkType.DERIVED_KEY_LINK, created.uniqueIdentifier()),
                    context.now()));
            return created;
        });
        context.idPlaceholder(derived.uniqueIdentifier());
        return Payloads.response(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, derived.uniqueIdentifier()));
    }
}
