package io.keyhold.server.ops.transfer;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.server.auth.AccessDenied;
import io.keyhold.protocol.spec.KeyWrapType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.wrap.KeyWrapping;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.PayloadFields;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.ObjectStructures;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Import (KMIP 1.4 section 4.25, 2.1 section 6.1.25): stores an object under the Unique Identifier the
 * client gives, with the attributes it gives taken as they are (the server's "initially set by" rules are
 * not applied, so an exported object keeps its State and dates). The server adds only what is missing:
 * Object Type and Unique Identifier as given in the request, Cryptographic Algorithm and Length read from
 * the Key Block, State Pre-Active and Initial Date; Last Change Date becomes now. The caller owns the object.
 *
 * <p>Key Wrap Type Not Wrapped unwraps a wrapped Key Block with the named key of the caller's (Unwrap Key);
 * As Registered, or no Key Wrap Type, stores it as given, after checking its MAC/Signature when the caller
 * holds that key. An identifier already in use is Object Already
 * Exists unless Replace Existing is True and the object is the caller's; another owner's object is Item Not
 * Found either way, as everywhere.
 */
final class ImportHandler implements OperationHandler {
    private final KeyWrapping wrapping;

    ImportHandler(KeyWrapping wrapping) {
        this.wrapping = wrapping;
    }

    @Override
    public Operation operation() {
        return Operation.IMPORT;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        String uid = PayloadFields.optional(payload, Tag.UNIQUE_IDENTIFIER, ItemType.TEXT_STRING).orElseThrow(() ->
                new KmipException(ResultReason.MISSING_DATA, "Import needs the Unique Identifier to store the object under"))
                .textValue();
        if (uid.isEmpty()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Unique Identifier is empty");
        }
        int objectType = PayloadFields.optional(payload, Tag.OBJECT_TYPE, ItemType.ENUMERATION).orElseThrow(() ->
                new KmipException(ResultReason.MISSING_DATA, "Object Type is missing")).enumValue();
        int tag = ObjectStructures.tagOf(objectType);
        if (tag == -1 || (objectType == ObjectType.TEMPLATE.value() && context.atLeast(KmipVersion.V2_0))) {
            throw new KmipException(Lifecycle.reason(context.version(), ResultReason.INVALID_OBJECT_TYPE, ResultReason.INVALID_FIELD),
                    "objects of type " + ObjectType.fromValue(objectType).map(ObjectType::specName).orElse("0x"
                    + Integer.toHexString(objectType)) + " cannot be imported in KMIP " + context.version());
        }
        boolean replace = PayloadFields.optional(payload, Tag.REPLACE_EXISTING, ItemType.BOOLEAN).map(TtlvItem::booleanValue)
                .orElse(false);
        Optional<TtlvItem> wrapType = PayloadFields.optional(payload, Tag.KEY_WRAP_TYPE, ItemType.ENUMERATION);
        if (wrapType.isPresent() && wrapType.get().enumValue() != KeyWrapType.NOT_WRAPPED.value()
                && wrapType.get().enumValue() != KeyWrapType.AS_REGISTERED.value()) {
            throw new KmipException(ResultReason.KEY_WRAP_TYPE_NOT_SUPPORTED, "Key Wrap Type 0x"
                    + Integer.toHexString(wrapType.get().enumValue()) + " is not supported");
        }
        TtlvItem object = PayloadFields.optional(payload, tag, ItemType.STRUCTURE).orElseThrow(() -> new KmipException(
                ResultReason.MISSING_DATA, "Object Type is " + ObjectType.fromValue(objectType).map(ObjectType::specName).orElse("?")
                + " but no such object is given"));
        boolean wrapped = object.child(Tag.KEY_BLOCK).flatMap(b -> b.child(Tag.KEY_WRAPPING_DATA)).isPresent();
        if (wrapped && wrapType.isPresent() && wrapType.get().enumValue() == KeyWrapType.NOT_WRAPPED.value()) {
            object = wrapping.unwrap(context, object);
        } else if (wrapped) {
            wrapping.verifyIfHeld(context, object);
        }
        List<TtlvItem> derived = ObjectStructures.inspect(objectType, object, context.version());
        List<KmipAttribute> importedAttributes = attributes(context, payload, uid, objectType, derived);
        TtlvItem material = object;
        context.write(tx -> {
            Optional<StoredObject> existing = tx.get(uid);
            if (existing.isPresent() && !ManagedObjects.permitted(context, tx, existing.get())) {
                throw AccessDenied.objectNotFound("Unique Identifier " + ManagedObjects.printable(uid)
                        + " cannot be used for an import", uid);
            }
            // a replaced object keeps its owner, whoever (owner, grantee, administrator) imports over it
            StoredObject imported = new StoredObject(uid, existing.map(StoredObject::owner).orElse(context.identity().name()),
                    StorageStatus.ONLINE, importedAttributes, material);
            if (existing.isPresent() && !replace) {
                throw new KmipException(ResultReason.OBJECT_ALREADY_EXISTS, "object " + ManagedObjects.printable(uid)
                        + " already exists; set Replace Existing to True to replace it");
            }
            if (existing.isPresent()) {
                tx.update(imported);
            } else {
                tx.insert(imported);
            }
            return null;
        });
        context.idPlaceholder(uid);
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid));
    }

    private static List<KmipAttribute> attributes(OperationContext context, TtlvItem payload, String uid, int objectType,
                                                  List<TtlvItem> derived) throws KmipException {
        List<KmipAttribute> given;
        if (context.atLeast(KmipVersion.V2_0)) {
            Optional<TtlvItem> a = PayloadFields.optional(payload, Tag.ATTRIBUTES, ItemType.STRUCTURE);
            given = a.isPresent() ? AttributeMapping.fromAttributes(a.get()) : List.of();
        } else {
            Optional<TtlvItem> t = PayloadFields.optional(payload, Tag.TEMPLATE_ATTRIBUTE, ItemType.STRUCTURE);
            given = t.isPresent() ? AttributeMapping.fromTemplateAttribute(t.get()) : List.of();
        }
        List<KmipAttribute> out = new ArrayList<>();
        out.add(KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid)));
        out.add(KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, objectType)));
        for (KmipAttribute a : given) {
            if (a.name().equals("Unique Identifier") || a.name().equals("Object Type") || a.name().equals("Last Change Date")) {
                continue;
            }
            out.add(a);
        }
        for (TtlvItem d : derived) {
            KmipAttribute a = KmipAttribute.of(d);
            if (out.stream().noneMatch(o -> o.name().equals(a.name()))) {
                out.add(a);
            }
        }
        boolean hasState = objectType != ObjectType.TEMPLATE.value()
                && (objectType != ObjectType.OPAQUE_OBJECT.value() || context.atLeast(KmipVersion.V2_0));
        if (hasState && out.stream().noneMatch(o -> o.name().equals("State"))) {
            out.add(KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, State.PRE_ACTIVE.value())));
        }
        if (out.stream().noneMatch(o -> o.name().equals("Initial Date"))) {
            out.add(KmipAttribute.of(TtlvItem.dateTime(Tag.INITIAL_DATE, context.now())));
        }
        out.add(KmipAttribute.of(TtlvItem.dateTime(Tag.LAST_CHANGE_DATE, context.now())));
        Map<String, Integer> next = new HashMap<>();
        List<KmipAttribute> indexed = new ArrayList<>(out.size());
        for (KmipAttribute a : out) {
            int index = next.merge(a.name(), 1, Integer::sum) - 1;
            indexed.add(new KmipAttribute(a.name(), index, a.value()));
        }
        return indexed;
    }
}
