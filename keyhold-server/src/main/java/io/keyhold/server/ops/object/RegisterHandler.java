package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.wrap.KeyWrapping;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.server.CreationRules;
import io.keyhold.server.store.StoredObject;
import java.security.SecureRandom;
import java.util.List;

/**
 * Register (KMIP 1.4 section 4.3, 2.1 section 6.1): stores a client-supplied object of any type
 * (Certificate, Symmetric, Public, Private and Split Key, Secret Data, Opaque Object, PGP Key, and in 1.x
 * Template) exactly as given, so that Get returns it byte for byte — except a Key Block wrapped by encryption
 * with a key the caller holds here: that one is unwrapped (the key needs Unwrap Key) and stored in clear, so
 * that the server can use it. Keys wrapped with keys this server does not hold for the caller are stored
 * wrapped, as given. Cryptographic Algorithm and Length are
 * read from the Key Block, the certificate attributes from the certificate. Answers the Unique Identifier
 * only and sets the ID Placeholder. A malformed object is Invalid Field.
 */
final class RegisterHandler implements OperationHandler {
    private final KeyWrapping wrapping;

    RegisterHandler(CryptoPolicy policy) {
        this.wrapping = new KeyWrapping(new SecureRandom(), policy);
    }

    @Override
    public Operation operation() {
        return Operation.REGISTER;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        int objectType = Payloads.required(payload, Tag.OBJECT_TYPE, ItemType.ENUMERATION).enumValue();
        int tag = ObjectStructures.tagOf(objectType);
        boolean known = tag != -1 && (objectType != ObjectType.TEMPLATE.value() || !context.atLeast(KmipVersion.V2_0))
                && (objectType != ObjectType.PGP_KEY.value() || context.atLeast(KmipVersion.V1_2));
        if (!known) {
            String name = ObjectType.fromValue(objectType).map(ObjectType::specName).orElse("0x" + Integer.toHexString(objectType));
            throw new KmipException(Payloads.reason(context, ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                    "objects of type " + name + " cannot be registered in KMIP " + context.version());
        }
        TtlvItem object = Payloads.optional(payload, tag, ItemType.STRUCTURE).orElseThrow(() -> new KmipException(
                ResultReason.MISSING_DATA, "Object Type is " + Payloads.name(tag) + " but no " + Payloads.name(tag)
                + " object is given"));
        if (ObjectStructures.hasKeyBlock(objectType)) {
            object = wrapping.unwrapIfHeld(context, object);
        }
        List<TtlvItem> derived = ObjectStructures.inspect(objectType, object, context.version());
        List<KmipAttribute> client = context.read(tx -> CreationRules.apply(context, tx, objectType,
                RequestAttributes.read(context, tx, payload, objectType), derived));
        StoredObject stored = NewObjects.build(context, objectType, object, client, derived);
        context.write(tx -> {
            tx.insert(stored);
            return null;
        });
        context.idPlaceholder(stored.uniqueIdentifier());
        return Payloads.uidOnly(stored.uniqueIdentifier());
    }
}
