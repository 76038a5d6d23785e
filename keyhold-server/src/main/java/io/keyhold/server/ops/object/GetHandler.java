package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.wrap.KeyWrapping;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.transfer.KeyPresentation;
import io.keyhold.server.store.StoredObject;
import java.security.SecureRandom;

/**
 * Get (KMIP 1.4 section 4.11, 2.1 section 6.1): returns Object Type, Unique Identifier and the object as
 * it was registered or created (a created symmetric key: Raw Key Block with only Key Material in the Key
 * Value, then Cryptographic Algorithm and Length). Key Format Type conversion, key wrapping and unwrapping
 * and the Sensitive / Extractable checks are {@link KeyPresentation}'s. Works in every state
 * that still has material (Deactivated and Compromised keys too); destroyed material is Object Destroyed in
 * 2.x and Item Not Found in 1.x; archived objects are Object Archived. The first Get clears Fresh.
 */
final class GetHandler implements OperationHandler {
    private final KeyPresentation presentation;

    GetHandler() {
        this(new SecureRandom(), CryptoPolicy.DEFAULT);
    }

    /**
     * @param random the source of AES-GCM wrapping IVs
     * @param policy the algorithms a wrapping key may use
     */
    GetHandler(SecureRandom random, CryptoPolicy policy) {
        this.presentation = new KeyPresentation(new KeyWrapping(random, policy));
    }

    @Override
    public Operation operation() {
        return Operation.GET;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = ManagedObjects.uniqueIdentifier(context, payload);

        ManagedObjects.Loaded views = context.read(tx -> ManagedObjects.loadWithStored(context, tx, uid));
        StoredObject loaded = views.current();
        TtlvItem object = present(context, loaded, payload);
        boolean fresh = loaded.attribute("Fresh").map(a -> a.value().type() == ItemType.BOOLEAN && a.value().booleanValue())
                .orElse(false);
        // write only when something changes: the first Get of a fresh object, or a lifecycle date that
        // has come and is not yet stored
        if (fresh || views.stateChanged()) {
            context.write(tx -> {
                StoredObject current = ManagedObjects.load(context, tx, uid);
                if (current.attribute("Fresh").isPresent()) {
                    current = Lifecycle.with(current, TtlvItem.bool(Tag.FRESH, false));
                }
                tx.update(current);
                return null;
            });
        }
        return Payloads.response(TtlvItem.enumeration(Tag.OBJECT_TYPE, loaded.objectType()),
                Payloads.uniqueIdentifier(uid), object);
    }

    private TtlvItem present(OperationContext context, StoredObject stored, TtlvItem payload) throws KmipException {
        Payloads.requireOnline(stored);
        if (stored.object() == null) {
            throw Lifecycle.destroyed(context.version(), stored);
        }
        return presentation.present(context, stored, payload);
    }
}
