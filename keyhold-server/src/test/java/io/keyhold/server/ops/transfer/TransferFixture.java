package io.keyhold.server.ops.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.attribute.AttributeHandlers;
import io.keyhold.server.ops.object.ObjectOperations;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An in-memory store with the object, attribute and transfer handlers, for one KMIP version. */
final class TransferFixture {
    final InMemoryObjectStore store = new InMemoryObjectStore();
    final Map<Operation, OperationHandler> handlers = new HashMap<>();
    KmipVersion version;
    String client = "client1";
    OperationContext.BatchState batch = new OperationContext.BatchState();

    TransferFixture(KmipVersion version) {
        this.version = version;
        List<OperationHandler> all = new ArrayList<>(ObjectOperations.handlers(new SecureRandom()));
        all.addAll(AttributeHandlers.all());
        all.addAll(TransferOperations.handlers(new SecureRandom()));
        for (OperationHandler h : all) {
            handlers.put(h.operation(), h);
        }
    }

    OperationContext context() {
        RequestContext request = new RequestContext(new Identity(client), "127.0.0.1:1", new ConnectionSession());
        return new OperationContext(version, request, Clock.systemUTC(), store, batch, null);
    }

    TtlvItem run(Operation op, TtlvItem payload) throws KmipException {
        batch = new OperationContext.BatchState();
        return handlers.get(op).handle(context(), payload);
    }

    KmipException fails(ResultReason reason, Operation op, TtlvItem payload) {
        KmipException e = catchThrowableOfType(KmipException.class, () -> run(op, payload));
        assertThat(e).as(op.specName() + " should fail").isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(e.getMessage()).isNotBlank();
        return e;
    }

    StoredObject stored(String uid) throws KmipException {
        return store.read(tx -> tx.get(uid)).orElseThrow();
    }

    long count() throws KmipException {
        return store.read(tx -> tx.count(new io.keyhold.server.store.LocateQuery(client, List.of(),
                java.util.EnumSet.allOf(io.keyhold.server.store.StorageStatus.class), 0, Integer.MAX_VALUE)));
    }

    static TtlvItem payload(TtlvItem... children) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, children);
    }

    static TtlvItem payload(List<TtlvItem> children) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, children);
    }

    static TtlvItem uid(String uid) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid);
    }

    TtlvItem attributes(List<KmipAttribute> attributes) {
        return version.isTwoOrLater() ? AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes)
                : AttributeMapping.toTemplateAttribute(Tag.TEMPLATE_ATTRIBUTE, attributes);
    }

    TtlvItem attributes(TtlvItem... values) {
        List<KmipAttribute> list = new ArrayList<>();
        for (TtlvItem v : values) {
            list.add(KmipAttribute.of(v));
        }
        return attributes(list);
    }

    static TtlvItem mask(int bits) {
        return TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, bits);
    }

    String createAes(int maskBits, TtlvItem... extra) throws KmipException {
        List<TtlvItem> values = new ArrayList<>(List.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM,
                CryptographicAlgorithm.AES.value()), TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256), mask(maskBits)));
        values.addAll(List.of(extra));
        return run(Operation.CREATE, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(values.toArray(new TtlvItem[0])))).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    /** An Active AES-256 key-encryption key with Wrap Key and Unwrap Key. */
    String activeKek() throws KmipException {
        String id = createAes(0x10 | 0x20);
        run(Operation.ACTIVATE, payload(uid(id)));
        return id;
    }

    String register(ObjectType type, TtlvItem object, TtlvItem... attributes) throws KmipException {
        return run(Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value()), attributes(attributes), object))
                .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    static TtlvItem key(int tag, KeyFormatType format, TtlvItem material, CryptographicAlgorithm alg, int bits) {
        return TtlvItem.structure(tag, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format.value()),
                TtlvItem.structure(Tag.KEY_VALUE, material),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, alg.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, bits)));
    }

    static TtlvItem block(TtlvItem object) {
        return object.child(Tag.KEY_BLOCK).orElseThrow();
    }

    static TtlvItem material(TtlvItem object) {
        return block(object).child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow();
    }

    /** Key Wrapping Specification: Encrypt with the key, optional parameters, encoding and attribute names. */
    static TtlvItem wrapping(String keyUid, TtlvItem parameters, Integer encoding, String... attributeNames) {
        List<TtlvItem> info = new ArrayList<>(List.of(uid(keyUid)));
        if (parameters != null) {
            info.add(parameters);
        }
        List<TtlvItem> c = new ArrayList<>();
        c.add(TtlvItem.enumeration(Tag.WRAPPING_METHOD, 1));
        c.add(TtlvItem.structure(Tag.ENCRYPTION_KEY_INFORMATION, info));
        for (String n : attributeNames) {
            c.add(TtlvItem.text(Tag.ATTRIBUTE_NAME, n));
        }
        if (encoding != null) {
            c.add(TtlvItem.enumeration(Tag.ENCODING_OPTION, encoding));
        }
        return TtlvItem.structure(Tag.KEY_WRAPPING_SPECIFICATION, c);
    }
}
