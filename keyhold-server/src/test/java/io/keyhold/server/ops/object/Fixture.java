package io.keyhold.server.ops.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
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
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A store, a settable clock and the object handlers, with payload builders for KMIP 1.x and 2.x. */
final class Fixture {
    static final long T0 = 1_700_000_000L;

    final InMemoryObjectStore store = new InMemoryObjectStore();
    final MutableClock clock = new MutableClock(T0);
    final Map<Operation, OperationHandler> handlers = ObjectOperations.handlers(new SecureRandom()).stream()
            .collect(Collectors.toMap(OperationHandler::operation, Function.identity()));
    KmipVersion version;
    String client = "client1";
    OperationContext.BatchState batch = new OperationContext.BatchState();

    Fixture(KmipVersion version) {
        this.version = version;
    }

    boolean twoX() {
        return version.compareTo(KmipVersion.V2_0) >= 0;
    }

    OperationContext context() {
        RequestContext request = new RequestContext(new Identity(client), "127.0.0.1:1", new ConnectionSession());
        return new OperationContext(version, request, clock, store, batch, null);
    }

    TtlvItem run(Operation op, TtlvItem payload) throws KmipException {
        return handlers.get(op).handle(context(), payload);
    }

    /** Runs the operation expecting it to fail, and returns the failure after checking its reason. */
    KmipException fails(ResultReason reason, Operation op, TtlvItem payload) {
        KmipException e = catchThrowableOfType(KmipException.class, () -> run(op, payload));
        assertThat(e).as(op.specName() + " should fail").isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        return e;
    }

    StoredObject stored(String uid) throws KmipException {
        return store.read(tx -> tx.get(uid)).orElseThrow();
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

    static TtlvItem name(String value) {
        return TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, value), TtlvItem.enumeration(Tag.NAME_TYPE, 1));
    }

    static TtlvItem algorithm(CryptographicAlgorithm a) {
        return TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, a.value());
    }

    static TtlvItem length(int bits) {
        return TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, bits);
    }

    static TtlvItem mask(int bits) {
        return TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, bits);
    }

    static TtlvItem objectType(ObjectType t) {
        return TtlvItem.enumeration(Tag.OBJECT_TYPE, t.value());
    }

    /** A custom attribute value (x-… in 1.x, a vendor attribute in 2.x). */
    static KmipAttribute custom(String name, String value) {
        return new KmipAttribute(name, 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, value));
    }

    /** The attributes as the version sends them: a 1.x Template-Attribute or a 2.x Attributes structure. */
    TtlvItem attributes(List<KmipAttribute> attributes) {
        return twoX() ? AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes)
                : AttributeMapping.toTemplateAttribute(Tag.TEMPLATE_ATTRIBUTE, attributes);
    }

    TtlvItem attributes(TtlvItem... values) {
        List<KmipAttribute> list = new ArrayList<>();
        for (TtlvItem v : values) {
            list.add(KmipAttribute.of(v));
        }
        return attributes(list);
    }

    /** Locate criteria in the version's form: 1.x Attribute fields, or one 2.x Attributes structure. */
    List<TtlvItem> criteria(List<KmipAttribute> attributes) {
        if (twoX()) {
            return List.of(AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes));
        }
        List<TtlvItem> out = new ArrayList<>();
        for (KmipAttribute a : attributes) {
            out.add(AttributeMapping.toAttribute(a));
        }
        return out;
    }

    String createAes(TtlvItem... extra) throws KmipException {
        List<TtlvItem> values = new ArrayList<>(List.of(algorithm(CryptographicAlgorithm.AES), length(256), mask(12)));
        values.addAll(List.of(extra));
        TtlvItem response = run(Operation.CREATE, payload(objectType(ObjectType.SYMMETRIC_KEY),
                attributes(values.toArray(new TtlvItem[0]))));
        return response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    static TtlvItem rawKey(byte[] material, CryptographicAlgorithm alg, int bits) {
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                algorithm(alg), length(bits)));
    }

    String register(ObjectType type, TtlvItem object, TtlvItem... attributes) throws KmipException {
        TtlvItem response = run(Operation.REGISTER, payload(objectType(type), attributes(attributes), object));
        return response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    /** A clock whose time the test sets. */
    static final class MutableClock extends Clock {
        private long seconds;

        MutableClock(long seconds) {
            this.seconds = seconds;
        }

        void set(long epochSeconds) {
            seconds = epochSeconds;
        }

        void advance(long delta) {
            seconds += delta;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds);
        }
    }
}
