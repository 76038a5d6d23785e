package io.keyhold.server.store.sql;

import static io.keyhold.server.store.ObjectStoreContract.attr;
import static io.keyhold.server.store.ObjectStoreContract.key;
import static io.keyhold.server.store.ObjectStoreContract.name;

import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.StoredObject;
import java.time.Instant;
import java.util.List;

/**
 * What the committed database of an earlier schema ({@code upgrade/keyhold-v4.db}, see the README beside
 * it) holds: written by {@link SchemaFixtureGenerator} under {@code TestMasterKeys.fixed()}, and checked by
 * {@link SchemaUpgradeTest} after the current store has migrated it.
 */
final class SchemaFixture {
    private SchemaFixture() {
    }

    /** The fixture, a test resource. */
    static final String RESOURCE = "upgrade/keyhold-v4.db";

    /** The schema version the fixture was written at. */
    static final int VERSION = 4;

    /** Fixed key material: the test checks it decrypts to exactly this. */
    static byte[] material() {
        byte[] m = new byte[32];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (0xA0 + i);
        }
        return m;
    }

    static TtlvItem symmetricKey() {
        byte[] material = material();
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, 3),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, material.length * 8)));
    }

    /** The objects, in insertion order. */
    static List<StoredObject> objects() {
        return List.of(
                key("fixture-key-1", "client1", State.ACTIVE, attr("Name", name("orders-master"))).withObject(symmetricKey()),
                key("fixture-key-2", "client2", State.PRE_ACTIVE, attr("Name", name("payments-key")),
                        attr("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, "payments"))),
                key("fixture-key-3", "client1", State.DEACTIVATED, attr("Name", name("orders-old"))));
    }

    static final long GRANTED_AT = Instant.parse("2026-01-05T10:00:00Z").getEpochSecond();

    static List<Grant> grants() {
        return List.of(
                new Grant(Grant.TargetKind.OBJECT, "fixture-key-1", Grant.GranteeKind.IDENTITY, "client2", "Get"),
                new Grant(Grant.TargetKind.OBJECT_GROUP, "payments", Grant.GranteeKind.GROUP, "operators",
                        Grant.ALL_OPERATIONS));
    }

    /** The audit events, one per object created, in order. */
    static List<AuditEvent> auditEvents() {
        return List.of(
                event("2026-01-05T09:00:00.001Z", "client1", "Create", "fixture-key-1"),
                event("2026-01-05T09:00:01.002Z", "client2", "Create", "fixture-key-2"),
                event("2026-01-05T09:00:02.003Z", "client1", "Create", "fixture-key-3"));
    }

    static AuditEvent event(String time, String identity, String operation, String uid) {
        return new AuditEvent(Instant.parse(time), identity, "127.0.0.1:5696", "2.1", operation, List.of(uid), 1,
                "Success", null, null);
    }
}
