package io.keyhold.server.ops.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A store, a settable clock, the object and key handlers, and payload builders for KMIP 1.x and 2.x. */
final class KeysFixture {
    static final long T0 = 1_700_000_000L;

    final InMemoryObjectStore store = new InMemoryObjectStore();
    final MutableClock clock = new MutableClock(T0);
    final Map<Operation, OperationHandler> handlers = new HashMap<>();
    KmipVersion version;
    String client = "client1";
    OperationContext.BatchState batch = new OperationContext.BatchState();

    KeysFixture(KmipVersion version) {
        this.version = version;
        SecureRandom random = new SecureRandom();
        for (OperationHandler h : ObjectOperations.handlers(random)) {
            handlers.put(h.operation(), h);
        }
        for (OperationHandler h : KeyOperations.handlers(random)) {
            handlers.put(h.operation(), h);
        }
        for (OperationHandler h : io.keyhold.server.ops.attribute.AttributeHandlers.all()) {
            handlers.put(h.operation(), h);
        }
    }

    boolean twoX() {
        return version.isTwoOrLater();
    }

    OperationContext context() {
        RequestContext request = new RequestContext(new Identity(client), "127.0.0.1:1", new ConnectionSession());
        return new OperationContext(version, request, clock, store, batch, null);
    }

    TtlvItem run(Operation op, TtlvItem payload) throws KmipException {
        return handlers.get(op).handle(context(), payload);
    }

    KmipException fails(ResultReason reason, Operation op, TtlvItem payload) {
        KmipException e = catchThrowableOfType(KmipException.class, () -> run(op, payload));
        assertThat(e).as(op.specName() + " should fail").isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        return e;
    }

    StoredObject stored(String uid) throws KmipException {
        return store.read(tx -> tx.get(uid)).orElseThrow();
    }

    List<StoredObject> all() throws KmipException {
        return store.read(tx -> {
            List<StoredObject> out = new ArrayList<>();
            for (String id : tx.locate(new io.keyhold.server.store.LocateQuery(client, List.of(),
                    java.util.Set.of(io.keyhold.server.store.StorageStatus.ONLINE), 0, 1000))) {
                out.add(tx.get(id).orElseThrow());
            }
            return out;
        });
    }

    static TtlvItem payload(TtlvItem... children) {
        List<TtlvItem> c = new ArrayList<>();
        for (TtlvItem t : children) {
            if (t != null) {
                c.add(t);
            }
        }
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, c);
    }

    static KmipAttribute a(TtlvItem value) {
        return KmipAttribute.of(value);
    }

    static KmipAttribute algorithm(CryptographicAlgorithm alg) {
        return a(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, alg.value()));
    }

    static KmipAttribute length(int bits) {
        return a(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, bits));
    }

    static KmipAttribute mask(int bits) {
        return a(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, bits));
    }

    static KmipAttribute name(String value) {
        return a(TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, value), TtlvItem.enumeration(Tag.NAME_TYPE, 1)));
    }

    static KmipAttribute curve(int recommendedCurve) {
        return a(TtlvItem.structure(Tag.CRYPTOGRAPHIC_DOMAIN_PARAMETERS, TtlvItem.enumeration(Tag.RECOMMENDED_CURVE, recommendedCurve)));
    }

    static KmipAttribute date(int tag, long seconds) {
        return a(TtlvItem.dateTime(tag, seconds));
    }

    /** One attribute structure in the version's form, under the 1.x or the 2.x tag; null for none. */
    TtlvItem attributes(int tag1x, int tag2x, KmipAttribute... attributes) {
        if (attributes.length == 0) {
            return null;
        }
        return twoX() ? AttributeMapping.toAttributes(tag2x, List.of(attributes))
                : AttributeMapping.toTemplateAttribute(tag1x, List.of(attributes));
    }

    TtlvItem template(KmipAttribute... attributes) {
        return attributes(Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES, attributes);
    }

    TtlvItem createKeyPair(KmipAttribute[] common, KmipAttribute[] priv, KmipAttribute[] pub) {
        return payload(attributes(Tag.COMMON_TEMPLATE_ATTRIBUTE, Tag.COMMON_ATTRIBUTES, common),
                attributes(Tag.PRIVATE_KEY_TEMPLATE_ATTRIBUTE, Tag.PRIVATE_KEY_ATTRIBUTES, priv),
                attributes(Tag.PUBLIC_KEY_TEMPLATE_ATTRIBUTE, Tag.PUBLIC_KEY_ATTRIBUTES, pub));
    }

    /** Private and public Unique Identifier of a Create Key Pair / Re-key Key Pair response. */
    static String[] pairIds(TtlvItem response) {
        assertThat(response.children()).extracting(TtlvItem::tag)
                .containsExactly(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER);
        return new String[] {response.children().get(0).textValue(), response.children().get(1).textValue()};
    }

    static String uidOf(TtlvItem response) {
        return response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    String createAes(KmipAttribute... more) throws KmipException {
        List<KmipAttribute> list = new ArrayList<>(List.of(algorithm(CryptographicAlgorithm.AES), length(256), mask(12)));
        list.addAll(List.of(more));
        return uidOf(run(Operation.CREATE, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                template(list.toArray(KmipAttribute[]::new)))));
    }

    static List<String> links(StoredObject o, LinkType type) {
        List<String> out = new ArrayList<>();
        for (KmipAttribute l : o.attributes("Link")) {
            if (l.value().child(Tag.LINK_TYPE).orElseThrow().enumValue() == type.value()) {
                out.add(l.value().child(Tag.LINKED_OBJECT_IDENTIFIER).orElseThrow().textValue());
            }
        }
        return out;
    }

    static Optional<Long> dateOf(StoredObject o, String name) {
        return o.attribute(name).map(x -> x.value().dateTimeValue());
    }

    static byte[] material(StoredObject o) {
        return o.object().child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow()
                .child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
    }

    static final class MutableClock extends Clock {
        private long seconds;

        MutableClock(long seconds) {
            this.seconds = seconds;
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
