package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.AttributeRules;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Set Defaults (KMIP 2.1 section 6.1.53): sets the server's Object Defaults, the attribute values a new
 * object of a given Object Type gets when the Create, Create Key Pair or Register request gives none for
 * that attribute (see {@link CreationRules}). The defaults are server-wide (kept in the store, shared by
 * every node), so only an administrator ({@code access.administrators}) may set them; anyone else gets
 * Permission Denied.
 *
 * <p>The Defaults Information is the set of Object Defaults to use from now on: it replaces the defaults
 * of every type, so a type it does not name has none afterwards, and a request without Defaults Information
 * (or with an empty one) removes them all, as the specification says. Each Object Defaults names its types
 * with an Object Type or an Object Types structure (7.22), and gives an Attributes structure. Every
 * attribute must be one a client may set on objects of that type (the rules of Create and Register); a
 * type named twice is an Invalid Field. Object Defaults limited to Object Groups are Feature Not Supported:
 * the defaults apply to every object of a type. All or nothing: the defaults change only when the whole
 * request is valid. The response payload is empty.
 */
public final class SetDefaultsHandler implements OperationHandler {
    private static final VersionRules RULES = VersionRules.standard();

    @Override
    public Operation operation() {
        return Operation.SET_DEFAULTS;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        requireAdministrator(context, "set the server's Object Defaults");
        Optional<TtlvItem> info = Payloads.optional(payload, Tag.DEFAULTS_INFORMATION, ItemType.STRUCTURE);
        Map<Integer, List<KmipAttribute>> read = new LinkedHashMap<>();
        for (TtlvItem od : info.map(i -> i.childrenWith(Tag.OBJECT_DEFAULTS)).orElse(List.of())) {
            Payloads.typed(od, ItemType.STRUCTURE);
            if (od.child(Tag.OBJECT_GROUPS).isPresent()) {
                throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Object Defaults for some Object Groups"
                        + " only are not supported: defaults apply to every object of their Object Type");
            }
            TtlvItem attributes = Payloads.required(od, Tag.ATTRIBUTES, ItemType.STRUCTURE);
            List<KmipAttribute> given = AttributeMapping.fromAttributes(attributes);
            if (od.child(Tag.OBJECT_TYPE).isEmpty() && od.child(Tag.OBJECT_TYPES).isEmpty()) {
                throw new KmipException(ResultReason.INVALID_MESSAGE, "Object Defaults has no Object Type or Object Types");
            }
            List<Integer> types = CreationRules.objectTypes(od, v -> objectType(context, v));
            if (types.isEmpty()) {
                throw new KmipException(ResultReason.INVALID_FIELD, "Object Types names no Object Type");
            }
            for (int type : types) {
                if (read.containsKey(type)) {
                    throw new KmipException(ResultReason.INVALID_FIELD, "Object Defaults name "
                            + ObjectType.fromValue(type).orElseThrow().specName() + " more than once");
                }
                read.put(type, checked(context, type, given));
            }
        }
        for (ObjectType t : ObjectType.values()) {
            read.putIfAbsent(t.value(), List.of()); // the set replaces the defaults of every type
        }
        long now = context.now();
        context.write(tx -> {
            for (Map.Entry<Integer, List<KmipAttribute>> e : read.entrySet()) {
                tx.putObjectDefaults(e.getKey(), e.getValue(), now);
            }
            return null;
        });
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }

    /** The attributes, checked as a client's own for the type and indexed; a single-valued one given twice is refused. */
    private static List<KmipAttribute> checked(OperationContext context, int type, List<KmipAttribute> given)
            throws KmipException {
        Map<String, Integer> next = new HashMap<>();
        List<KmipAttribute> out = new ArrayList<>(given.size());
        for (KmipAttribute a : given) {
            if (a.name().equals("Unique Identifier") || a.name().equals("Object Type")) {
                throw new KmipException(ResultReason.INVALID_FIELD, a.name() + " cannot have a default");
            }
            AttributeRules.checkClientSupplied(a, type, context.version());
            int index = next.merge(a.name(), 1, Integer::sum) - 1;
            if (index > 0 && !AttributeRules.isMultiValued(a.name())) {
                throw new KmipException(ResultReason.INVALID_FIELD, "default " + a.name()
                        + " is given more than once but may have only one instance");
            }
            out.add(new KmipAttribute(a.name(), index, a.value()));
        }
        return out;
    }

    /** A known Object Type of the request's version (Invalid Field otherwise). */
    static int objectType(OperationContext context, int value) throws KmipException {
        if (ObjectType.fromValue(value).isEmpty() || !RULES.hasValue(ObjectType.SPEC_NAME, value, context.version())) {
            throw new KmipException(ResultReason.INVALID_FIELD,
                    String.format("Object Type 0x%08X does not exist in KMIP %s", value, context.version()));
        }
        return value;
    }

    /** Permission Denied unless the client is one of the configured administrators. */
    static void requireAdministrator(OperationContext context, String what) throws KmipException {
        if (!context.access().isAdministrator(context.identity())) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, "only an administrator may " + what);
        }
    }
}
