package io.keyhold.server.ops.keys;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.NewObjects;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.ops.object.RequestAttributes;
import io.keyhold.server.ops.object.SymmetricKeys;
import io.keyhold.server.store.StoredObject;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Re-key (KMIP 1.4 section 4.4, 2.1 section 6.1.43): a replacement Symmetric Key with fresh random material
 * of the same Cryptographic Algorithm and Length. It takes over the existing key's attributes (Names
 * included: they are removed from the existing key), overridden by the request's Template-Attribute or
 * Attributes; the server-set attributes are new as for Create. Without an Offset the Activation, Process
 * Start, Protect Stop and Deactivation Dates are copied; with one the Activation Date is now + Offset and
 * the other dates keep their distance from the old Activation Date. The existing key gets a Replacement
 * Object Link to the new key, the new key a Replaced Object Link to the existing one; the existing key's
 * State does not change. Answers the new Unique Identifier and sets the ID Placeholder. Other object types
 * are Invalid Object Type; destroyed keys Object Destroyed.
 */
final class ReKeyHandler implements OperationHandler {
    private final SecureRandom random;
    private final CryptoPolicy policy;
    private final Optional<TtlvItem> rngParameters;

    ReKeyHandler(SecureRandom random, CryptoPolicy policy) {
        this.random = Objects.requireNonNull(random, "random");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.rngParameters = ServerRandom.describe(random);
    }

    @Override
    public Operation operation() {
        return Operation.RE_KEY;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = ManagedObjects.uniqueIdentifier(context, payload);
        Long offset = KeyAttributes.offset(payload);
        int type = ObjectType.SYMMETRIC_KEY.value();
        StoredObject replacement = context.write(tx -> {
            StoredObject old = ManagedObjects.load(context, tx, uid);
            Payloads.requireOnline(old);
            if (old.objectType() != type) {
                String name = ObjectType.fromValue(old.objectType()).map(ObjectType::specName).orElse("?");
                throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                        "Re-key replaces Symmetric Keys only, not a " + name + (old.objectType() == ObjectType.PRIVATE_KEY.value()
                        ? ": use Re-key Key Pair" : ""));
            }
            if (Lifecycle.isDestroyed(old)) {
                throw Lifecycle.destroyed(context.version(), old);
            }
            List<KmipAttribute> given = RequestAttributes.read(context, tx, payload, type);
            List<KmipAttribute> attributes = KeyAttributes.merge(
                    KeyAttributes.replacementAttributes(old, offset, context.now()), given);
            TtlvItem algorithm = KeyAttributes.value(attributes, "Cryptographic Algorithm")
                    .orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA, "the key to replace has no Cryptographic Algorithm"));
            Integer length = KeyAttributes.value(attributes, "Cryptographic Length").filter(l -> l.type() == ItemType.INTEGER)
                    .map(TtlvItem::intValue).orElse(null);
            policy.requireKey(algorithm.enumValue(), length, null, CryptoPolicy.Use.RE_KEY);
            SymmetricKeys.Generated key = SymmetricKeys.generate(algorithm.enumValue(), length, random);
            TtlvItem lengthItem = key.lengthItem();
            TtlvItem object = key.toObject(algorithm.enumValue());
            List<TtlvItem> derived = length == null ? List.of(lengthItem) : List.of();
            StoredObject created = ManagedObjects.replacementOf(old, NewObjects.build(context, type, object, attributes, derived, rngParameters));
            created = KeyAttributes.withLink(created, LinkType.REPLACED_OBJECT_LINK, old.uniqueIdentifier());
            StoredObject replaced = KeyAttributes.withLink(KeyAttributes.withoutNames(old), LinkType.REPLACEMENT_OBJECT_LINK,
                    created.uniqueIdentifier());
            tx.insert(created);
            tx.update(Lifecycle.touch(replaced, context.now()));
            return created;
        });
        context.idPlaceholder(replacement.uniqueIdentifier());
        return Payloads.response(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, replacement.uniqueIdentifier()));
    }
}
