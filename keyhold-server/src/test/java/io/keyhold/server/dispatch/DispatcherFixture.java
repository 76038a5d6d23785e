package io.keyhold.server.dispatch;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** A dispatcher over an in-memory store with a fixed clock, and helpers to talk to it in TTLV. */
public final class DispatcherFixture implements AutoCloseable {
    public static final long NOW = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    public static final VersionRules RULES = VersionRules.standard();

    public final InMemoryObjectStore store = new InMemoryObjectStore();
    public final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    public final KmipDispatcher dispatcher;
    public final RequestContext client1 = context("client1");

    public DispatcherFixture(Collection<OperationHandler> handlers) {
        dispatcher = new KmipDispatcher(store, clock, handlers);
    }

    public DispatcherFixture(Collection<OperationHandler> handlers, DispatcherSettings settings) {
        dispatcher = new KmipDispatcher(store, clock, handlers, settings);
    }

    public static RequestContext context(String identity) {
        return new RequestContext(new Identity(identity), "127.0.0.1:1", new ConnectionSession());
    }

    public static RequestHeader header(KmipVersion v, int count) {
        return RequestHeader.of(v, count);
    }

    public static RequestHeader header(KmipVersion v, int count, Integer maxSize, String clientCorrelation,
                                       Boolean async, Integer errorOption) {
        return new RequestHeader(v, maxSize, clientCorrelation, null, async, null, List.of(), null, errorOption, null, null,
                count);
    }

    public static RequestBatchItem item(Operation op, TtlvItem... payload) {
        return RequestBatchItem.of(op, TtlvItem.structure(Tag.REQUEST_PAYLOAD, payload));
    }

    public static RequestBatchItem item(Operation op, byte[] ubid, TtlvItem... payload) {
        return new RequestBatchItem(op.value(), null, ubid, TtlvItem.structure(Tag.REQUEST_PAYLOAD, payload), null);
    }

    public static byte[] encode(RequestHeader header, List<RequestBatchItem> items) {
        return new TtlvEncoder().encode(new RequestMessage(header, items).toTtlv());
    }

    public byte[] raw(KmipVersion v, RequestBatchItem... items) {
        return dispatcher.process(encode(header(v, items.length), List.of(items)), client1);
    }

    public ResponseMessage send(KmipVersion v, RequestBatchItem... items) {
        return send(header(v, items.length), items);
    }

    public ResponseMessage send(RequestHeader header, RequestBatchItem... items) {
        return sendAs(client1, header, items);
    }

    public ResponseMessage sendAs(RequestContext who, RequestHeader header, RequestBatchItem... items) {
        return decode(dispatcher.process(encode(header, List.of(items)), who));
    }

    public static TtlvItem tree(byte[] response) {
        try {
            return new TtlvDecoder().decode(response);
        } catch (Exception e) {
            throw new AssertionError("response does not decode", e);
        }
    }

    public static ResponseMessage decode(byte[] response) {
        try {
            return ResponseMessage.from(tree(response));
        } catch (Exception e) {
            throw new AssertionError("response is not a Response Message", e);
        }
    }

    /** The only batch item, checked to exist. */
    public static ResponseBatchItem only(ResponseMessage m) {
        if (m.batchItems().size() != 1) {
            throw new AssertionError("expected one batch item, got " + m.batchItems().size());
        }
        return m.batchItems().get(0);
    }

    public static ResultStatus status(ResponseBatchItem i) {
        return ResultStatus.fromValue(i.resultStatus()).orElseThrow();
    }

    public static ResultReason reason(ResponseBatchItem i) {
        return i.resultReason() == null ? null : ResultReason.fromValue(i.resultReason()).orElseThrow();
    }

    public void insert(StoredObject o) {
        try {
            store.write(tx -> {
                tx.insert(o);
                return null;
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public StoredObject stored(String uid) {
        try {
            return store.read(tx -> tx.get(uid)).orElseThrow();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public boolean exists(String uid) {
        try {
            return store.read(tx -> tx.get(uid)).isPresent();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** An active AES-256 symmetric key owned by owner, with one Name, plus the extra attributes. */
    public static StoredObject key(String uid, String owner, KmipAttribute... extra) {
        List<KmipAttribute> a = new ArrayList<>();
        a.add(KmipAttribute.of(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid)));
        a.add(KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())));
        a.add(KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value())));
        a.add(KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value())));
        a.add(KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)));
        a.add(KmipAttribute.of(TtlvItem.dateTime(Tag.INITIAL_DATE, NOW - 100)));
        a.add(KmipAttribute.of(TtlvItem.dateTime(Tag.LAST_CHANGE_DATE, NOW - 100)));
        a.add(KmipAttribute.of(name(uid + "-name")));
        a.addAll(Arrays.asList(extra));
        return new StoredObject(uid, owner, StorageStatus.ONLINE, a, null);
    }

    public static TtlvItem name(String value) {
        return TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, value),
                TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value()));
    }

    @Override
    public void close() {
        dispatcher.close();
    }
}
