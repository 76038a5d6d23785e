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
import io.keyhold.server.crypto.keygen.KeyPairSpec;
import io.keyhold.server.crypto.keygen.KeyPairs;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.store.StoredObject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Re-key Key Pair (KMIP 1.4 section 4.5, 2.1 section 6.1.44): a replacement key pair of the same algorithm,
 * length and curve for the private key named by Private Key Unique Identifier (or the ID Placeholder) and
 * the public key its Public Key Link names. Each new key takes over its predecessor's attributes and Names
 * as in {@link ReKeyHandler}, overridden by the request's common and per-key attributes, with the dates
 * copied or moved by the Offset; the new keys link to each other, the old keys get Replacement Object
 * Links and the new ones Replaced Object Links. The old keys' States do not change. Answers the new
 * Private Key Unique Identifier, then the Public Key Unique Identifier; sets the ID Placeholder to the new
 * private key. A private key without a (reachable) public key is re-keyed alone: the new public key then
 * has only the request's attributes.
 */
final class ReKeyKeyPairHandler implements OperationHandler {
    private final KeyPairs keyPairs;
    private final CryptoPolicy policy;
    private final Optional<TtlvItem> rngParameters;

    ReKeyKeyPairHandler(KeyPairs keyPairs, CryptoPolicy policy, Optional<TtlvItem> rngParameters) {
        this.keyPairs = Objects.requireNonNull(keyPairs, "keyPairs");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.rngParameters = Objects.requireNonNull(rngParameters, "rngParameters");
    }

    @Override
    public Operation operation() {
        return Operation.RE_KEY_KEY_PAIR;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        Optional<TtlvItem> field = Payloads.optional(payload, Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, ItemType.TEXT_STRING);
        String uid = field.isPresent() ? field.get().textValue() : context.idPlaceholder().orElseThrow(() -> new KmipException(
                ResultReason.ITEM_NOT_FOUND, "no Private Key Unique Identifier given and no ID Placeholder set"));
        KeyAttributes.checkPairStorage(context, payload);
        Long offset = KeyAttributes.offset(payload);
        int priv = ObjectType.PRIVATE_KEY.value();
        int pub = ObjectType.PUBLIC_KEY.value();
        CreateKeyPairHandler.Pair pair = context.write(tx -> {
            StoredObject oldPrivate = ManagedObjects.load(context, tx, uid);
            Payloads.requireOnline(oldPrivate);
            if (oldPrivate.objectType() != priv) {
                String name = ObjectType.fromValue(oldPrivate.objectType()).map(ObjectType::specName).orElse("?");
                throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                        "Re-key Key Pair needs a Private Key, not a " + name);
            }
            if (Lifecycle.isDestroyed(oldPrivate)) {
                throw Lifecycle.destroyed(context.version(), oldPrivate);
            }
            Optional<StoredObject> oldPublic = Optional.empty();
            Optional<String> publicUid = KeyAttributes.linked(oldPrivate, LinkType.PUBLIC_KEY_LINK);
            if (publicUid.isPresent()) {
                oldPublic = tx.get(publicUid.get()).filter(o -> ManagedObjects.permitted(context, tx, o)
                        && o.objectType() == pub).map(o -> Lifecycle.applyDueDates(o, context.now()));
            }
            List<KmipAttribute> privateAttributes = KeyAttributes.merge(KeyAttributes.merge(
                    KeyAttributes.replacementAttributes(oldPrivate, offset, context.now()),
                    KeyAttributes.read(context, tx, payload, Tag.COMMON_TEMPLATE_ATTRIBUTE, Tag.COMMON_ATTRIBUTES, priv)),
                    KeyAttributes.read(context, tx, payload, Tag.PRIVATE_KEY_TEMPLATE_ATTRIBUTE, Tag.PRIVATE_KEY_ATTRIBUTES, priv));
            List<KmipAttribute> publicBase = oldPublic.isPresent()
                    ? KeyAttributes.replacementAttributes(oldPublic.get(), offset, context.now())
                    : KeyAttributes.replacementAttributes(oldPrivate, offset, context.now()).stream()
                    .filter(a -> a.name().startsWith("Cryptographic ") && !a.name().equals("Cryptographic Usage Mask")).toList();
            List<KmipAttribute> publicAttributes = KeyAttributes.merge(KeyAttributes.merge(publicBase,
                    KeyAttributes.read(context, tx, payload, Tag.COMMON_TEMPLATE_ATTRIBUTE, Tag.COMMON_ATTRIBUTES, pub)),
                    KeyAttributes.read(context, tx, payload, Tag.PUBLIC_KEY_TEMPLATE_ATTRIBUTE, Tag.PUBLIC_KEY_ATTRIBUTES, pub));
            KeyPairSpec spec = CreateKeyPairHandler.spec(context, policy, privateAttributes, publicAttributes);
            CreateKeyPairHandler.Pair created = CreateKeyPairHandler.create(context, keyPairs, rngParameters, spec, privateAttributes,
                    publicAttributes);
            StoredObject newPrivate = KeyAttributes.withLink(ManagedObjects.replacementOf(oldPrivate, created.privateKey()),
                    LinkType.REPLACED_OBJECT_LINK, oldPrivate.uniqueIdentifier());
            StoredObject newPublic = ManagedObjects.replacementOf(oldPrivate, created.publicKey());
            tx.insert(newPrivate);
            tx.update(Lifecycle.touch(KeyAttributes.withLink(KeyAttributes.withoutNames(oldPrivate),
                    LinkType.REPLACEMENT_OBJECT_LINK, newPrivate.uniqueIdentifier()), context.now()));
            if (oldPublic.isPresent()) {
                newPublic = KeyAttributes.withLink(newPublic, LinkType.REPLACED_OBJECT_LINK, oldPublic.get().uniqueIdentifier());
                tx.update(Lifecycle.touch(KeyAttributes.withLink(KeyAttributes.withoutNames(oldPublic.get()),
                        LinkType.REPLACEMENT_OBJECT_LINK, newPublic.uniqueIdentifier()), context.now()));
            }
            tx.insert(newPublic);
            return new CreateKeyPairHandler.Pair(newPrivate, newPublic);
        });
        context.idPlaceholder(pair.privateKey().uniqueIdentifier());
        return Payloads.response(TtlvItem.text(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, pair.privateKey().uniqueIdentifier()),
                TtlvItem.text(Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER, pair.publicKey().uniqueIdentifier()));
    }
}
