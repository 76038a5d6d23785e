package io.keyhold.server.ops.cipher;

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
import io.keyhold.server.ops.object.ObjectOperations;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** A store, the object and cipher handlers, and one connection whose session streams live in. */
final class CipherFixture {
    static final long T0 = 1_700_000_000L;

    final InMemoryObjectStore store = new InMemoryObjectStore();
    final Map<Operation, OperationHandler> handlers = new HashMap<>();
    final KmipVersion version;
    ConnectionSession session = new ConnectionSession();
    String client = "client1";
    OperationContext.BatchState batch = new OperationContext.BatchState();

    CipherFixture(KmipVersion version) {
        this.version = version;
        SecureRandom random = new SecureRandom();
        for (OperationHandler h : ObjectOperations.handlers(random)) {
            handlers.put(h.operation(), h);
        }
        for (OperationHandler h : CipherOperations.handlers(random)) {
            handlers.put(h.operation(), h);
        }
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    OperationContext context() {
        RequestContext request = new RequestContext(new Identity(client), "127.0.0.1:1", session);
        return new OperationContext(version, request, Clock.fixed(Instant.ofEpochSecond(T0), ZoneOffset.UTC), store, batch, null);
    }

    TtlvItem run(Operation op, TtlvItem... fields) throws KmipException {
        return handlers.get(op).handle(context(), TtlvItem.structure(Tag.REQUEST_PAYLOAD, fields));
    }

    KmipException fails(ResultReason reason, Operation op, TtlvItem... fields) {
        KmipException e = catchThrowableOfType(KmipException.class, () -> run(op, fields));
        assertThat(e).as(op.specName() + " should fail with " + reason.specName()).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        return e;
    }

    StoredObject stored(String uid) throws KmipException {
        return store.read(tx -> tx.get(uid)).orElseThrow();
    }

    boolean twoX() {
        return version.compareTo(KmipVersion.V2_0) >= 0;
    }

    TtlvItem attributes(List<TtlvItem> values) {
        List<KmipAttribute> list = new ArrayList<>();
        for (TtlvItem v : values) {
            list.add(KmipAttribute.of(v));
        }
        return twoX() ? AttributeMapping.toAttributes(Tag.ATTRIBUTES, list)
                : AttributeMapping.toTemplateAttribute(Tag.TEMPLATE_ATTRIBUTE, list);
    }

    /** Registers a key, Active from an hour ago unless {@code active} is false, with the given extra attributes. */
    String register(ObjectType type, TtlvItem object, int mask, boolean active, TtlvItem... extra) throws KmipException {
        List<TtlvItem> values = new ArrayList<>(List.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, mask)));
        if (active) {
            values.add(TtlvItem.dateTime(Tag.ACTIVATION_DATE, T0 - 3600));
        }
        values.addAll(List.of(extra));
        return run(Operation.REGISTER, TtlvItem.enumeration(Tag.OBJECT_TYPE, type.value()), attributes(values), object)
                .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    String symmetricKey(String hexKey, CryptographicAlgorithm algorithm, int mask, TtlvItem... extra) throws KmipException {
        byte[] key = hex(hexKey);
        TtlvItem object = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, key)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, key.length * 8)));
        return register(ObjectType.SYMMETRIC_KEY, object, mask, true, extra);
    }

    String rsaKey(ObjectType type, byte[] encoded, int mask, TtlvItem... extra) throws KmipException {
        TtlvItem object = TtlvItem.structure(type == ObjectType.PUBLIC_KEY ? Tag.PUBLIC_KEY : Tag.PRIVATE_KEY,
                TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE,
                                (type == ObjectType.PUBLIC_KEY ? KeyFormatType.X_509 : KeyFormatType.PKCS_8).value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, encoded)),
                        TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.RSA.value()),
                        TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 2048)));
        return register(type, object, mask, true, extra);
    }

    static TtlvItem uid(String uid) {
        return TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid);
    }

    static TtlvItem data(byte[] data) {
        return TtlvItem.bytes(Tag.DATA, data);
    }

    static TtlvItem iv(byte[] iv) {
        return TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv);
    }

    static TtlvItem params(TtlvItem... fields) {
        return TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, fields);
    }

    static byte[] bytes(TtlvItem response, int tag) {
        return response.child(tag).orElseThrow(() -> new AssertionError("no 0x" + Integer.toHexString(tag) + " in " + response))
                .bytesValue();
    }

    static List<Integer> tags(TtlvItem response) {
        return response.children().stream().map(TtlvItem::tag).toList();
    }
}
