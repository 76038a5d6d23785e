package io.keyhold.server.ops.certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
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
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
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
import java.util.Set;

/** A store, a settable clock, the object and certificate handlers, and payload helpers for 1.x and 2.x. */
final class CertFixture {
    static final long T0 = 1_760_000_000L;

    final InMemoryObjectStore store = new InMemoryObjectStore();
    final Clock clock = new Clock() {
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
            return Instant.ofEpochSecond(now);
        }
    };
    final Map<Operation, OperationHandler> handlers = new HashMap<>();
    final KmipVersion version;
    long now = T0;
    String client = "client1";

    CertFixture(KmipVersion version) {
        this.version = version;
        SecureRandom random = new SecureRandom();
        for (OperationHandler h : ObjectOperations.handlers(random)) {
            handlers.put(h.operation(), h);
        }
        for (OperationHandler h : CertificateOperations.handlers(random)) {
            handlers.put(h.operation(), h);
        }
    }

    boolean twoX() {
        return version.compareTo(KmipVersion.V2_0) >= 0;
    }

    TtlvItem run(Operation op, TtlvItem payload) throws KmipException {
        RequestContext request = new RequestContext(new Identity(client), "127.0.0.1:1", new ConnectionSession());
        OperationContext context = new OperationContext(version, request, clock, store, new OperationContext.BatchState(), null);
        return handlers.get(op).handle(context, payload);
    }

    String runUid(Operation op, TtlvItem payload) throws KmipException {
        return run(op, payload).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
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

    /** Every object of the owner. */
    List<String> objectsOf(String owner) throws KmipException {
        return store.read(tx -> tx.locate(new LocateQuery(owner, List.of(), Set.of(StorageStatus.ONLINE, StorageStatus.ARCHIVED),
                0, 1000)));
    }

    /** The CA certificate object the server made (owner ""). */
    StoredObject caCertificate() throws KmipException {
        List<String> uids = store.read(tx -> tx.locate(new LocateQuery("", List.of(new LocateQuery.Equals("Object Type",
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.CERTIFICATE.value()))), Set.of(StorageStatus.ONLINE), 0, 10)));
        assertThat(uids).hasSize(1);
        return stored(uids.get(0));
    }

    static TtlvItem payload(TtlvItem... children) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, children);
    }

    static TtlvItem payload(List<TtlvItem> children) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, children);
    }

    TtlvItem attributes(TtlvItem... values) {
        List<KmipAttribute> list = new ArrayList<>();
        for (TtlvItem v : values) {
            list.add(KmipAttribute.of(v));
        }
        return twoX() ? AttributeMapping.toAttributes(Tag.ATTRIBUTES, list)
                : AttributeMapping.toTemplateAttribute(Tag.TEMPLATE_ATTRIBUTE, list);
    }

    /** The uids the object links to with the type, in order. */
    static List<String> links(StoredObject object, LinkType type) {
        List<String> out = new ArrayList<>();
        for (KmipAttribute a : object.attributes("Link")) {
            if (a.value().child(Tag.LINK_TYPE).orElseThrow().enumValue() == type.value()) {
                out.add(a.value().child(Tag.LINKED_OBJECT_IDENTIFIER).orElseThrow().textValue());
            }
        }
        return out;
    }
}
