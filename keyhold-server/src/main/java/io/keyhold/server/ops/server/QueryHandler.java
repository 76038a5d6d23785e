package io.keyhold.server.ops.server;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.ServerRandom;
import io.keyhold.server.dispatch.DispatcherSettings;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.object.ProtectionStorage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Query (KMIP 1.4 section 4.25, 2.1 section 6.1): what the server does, answered truthfully and
 * minimally in the request's version. Operations are the registered handlers that exist in the version;
 * objects are the configured object types; Server Information names the vendor "Keyhold" and adds a Server
 * Information structure: in 2.x with the server name and version, in 1.x empty (its content is vendor-specific). Application namespaces, extensions, attestation types, validations, profiles
 * and client registration methods: the server declares none, so those functions add nothing. Defaults
 * Information (2.1): the Object Defaults that Set Defaults stored, when there are any.
 * Storage protection masks (2.x): Software, the storage of every object (see {@link ProtectionStorage}).
 * RNGs (1.3 and later): the RNG Parameters of the server's generator (see {@link ServerRandom}), the one that
 * generates every key. Capabilities: no streaming, no attestation, asynchronous
 * requests, batch Undo and Continue.
 */
public final class QueryHandler implements OperationHandler {
    private static final VersionRules RULES = VersionRules.standard();
    public static final String VENDOR = "Keyhold";

    private final DispatcherSettings settings;
    private final Supplier<Set<Operation>> operations;
    private final Optional<TtlvItem> rngParameters;

    /** Reports the server's generator ({@link ServerRandom#parameters()}) for Query RNGs. */
    public QueryHandler(DispatcherSettings settings, Supplier<Set<Operation>> operations) {
        this(settings, operations, ServerRandom.parameters());
    }

    /** @param rngParameters the RNG Parameters Query RNGs reports (empty: none) */
    public QueryHandler(DispatcherSettings settings, Supplier<Set<Operation>> operations, Optional<TtlvItem> rngParameters) {
        this.settings = settings;
        this.operations = operations;
        this.rngParameters = rngParameters;
    }

    @Override
    public Operation operation() {
        return Operation.QUERY;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        KmipVersion v = context.version();
        Set<QueryFunction> functions = EnumSet.noneOf(QueryFunction.class);
        for (TtlvItem f : payload.childrenWith(Tag.QUERY_FUNCTION)) {
            Payloads.typed(f, ItemType.ENUMERATION);
            QueryFunction qf = QueryFunction.fromValue(f.enumValue())
                    .filter(q -> RULES.hasValue(QueryFunction.SPEC_NAME, q.value(), v))
                    .orElseThrow(() -> new KmipException(ResultReason.INVALID_FIELD,
                            String.format("Query Function 0x%08X does not exist in KMIP %s", f.enumValue(), v)));
            functions.add(qf);
        }
        List<TtlvItem> out = new ArrayList<>();
        // the response fields come in the order of the spec's Query response payload table
        if (functions.contains(QueryFunction.QUERY_OPERATIONS)) {
            for (Operation op : operations.get()) {
                if (RULES.hasOperation(op.value(), v)) {
                    out.add(TtlvItem.enumeration(Tag.OPERATION, op.value()));
                }
            }
        }
        if (functions.contains(QueryFunction.QUERY_OBJECTS)) {
            for (ObjectType t : settings.objectTypes()) {
                if (RULES.hasValue(ObjectType.SPEC_NAME, t.value(), v)) {
                    out.add(TtlvItem.enumeration(Tag.OBJECT_TYPE, t.value()));
                }
            }
        }
        if (functions.contains(QueryFunction.QUERY_SERVER_INFORMATION)) {
            out.add(TtlvItem.text(Tag.VENDOR_IDENTIFICATION, VENDOR));
            if (RULES.hasTag(Tag.SERVER_NAME, v)) {
                out.add(TtlvItem.structure(Tag.SERVER_INFORMATION,
                        TtlvItem.text(Tag.SERVER_NAME, settings.serverName()),
                        TtlvItem.text(Tag.SERVER_VERSION, settings.serverVersion()),
                        TtlvItem.text(Tag.PRODUCT_NAME, VENDOR)));
            } else {
                // 1.x defines no fields of its own for Server Information (its content is vendor-specific)
                // and Keyhold has no extension tags to put in it: the structure is there, empty
                out.add(TtlvItem.structure(Tag.SERVER_INFORMATION));
            }
        }
        if (functions.contains(QueryFunction.QUERY_RNGS) && RULES.hasTag(Tag.RNG_PARAMETERS, v)) {
            rngParameters.ifPresent(out::add);
        }
        if (functions.contains(QueryFunction.QUERY_CAPABILITIES) && RULES.hasTag(Tag.CAPABILITY_INFORMATION, v)) {
            List<TtlvItem> c = new ArrayList<>();
            c.add(TtlvItem.bool(Tag.STREAMING_CAPABILITY, false));
            c.add(TtlvItem.bool(Tag.ASYNCHRONOUS_CAPABILITY, true));
            c.add(TtlvItem.bool(Tag.ATTESTATION_CAPABILITY, false));
            if (RULES.hasTag(Tag.BATCH_UNDO_CAPABILITY, v)) {
                c.add(TtlvItem.bool(Tag.BATCH_UNDO_CAPABILITY, true));
                c.add(TtlvItem.bool(Tag.BATCH_CONTINUE_CAPABILITY, true));
            }
            out.add(TtlvItem.structure(Tag.CAPABILITY_INFORMATION, c));
        }
        if (functions.contains(QueryFunction.QUERY_DEFAULTS_INFORMATION) && RULES.hasTag(Tag.DEFAULTS_INFORMATION, v)) {
            defaultsInformation(context).ifPresent(out::add);
        }
        if (functions.contains(QueryFunction.QUERY_STORAGE_PROTECTION_MASKS) && RULES.hasTag(Tag.PROTECTION_STORAGE_MASKS, v)) {
            out.add(TtlvItem.structure(Tag.PROTECTION_STORAGE_MASKS,
                    TtlvItem.integer(Tag.PROTECTION_STORAGE_MASK, ProtectionStorage.SERVER_STORAGE)));
        }
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, out);
    }

    /**
     * The Object Defaults that Set Defaults stored (KMIP 2.1 section 7.11), one per Object Type that has
     * any, in the type's enumeration order; empty when the server has none.
     */
    private static Optional<TtlvItem> defaultsInformation(OperationContext context) throws KmipException {
        KmipVersion v = context.version();
        List<TtlvItem> objectDefaults = context.read(tx -> {
            List<TtlvItem> out = new ArrayList<>();
            for (ObjectType t : ObjectType.values()) {
                List<KmipAttribute> defaults = tx.objectDefaults(t.value());
                if (!defaults.isEmpty() && RULES.hasValue(ObjectType.SPEC_NAME, t.value(), v)) {
                    out.add(TtlvItem.structure(Tag.OBJECT_DEFAULTS, TtlvItem.enumeration(Tag.OBJECT_TYPE, t.value()),
                            AttributeMapping.toAttributes(Tag.ATTRIBUTES, defaults)));
                }
            }
            return out;
        });
        return objectDefaults.isEmpty() ? Optional.empty()
                : Optional.of(TtlvItem.structure(Tag.DEFAULTS_INFORMATION, objectDefaults));
    }
}
