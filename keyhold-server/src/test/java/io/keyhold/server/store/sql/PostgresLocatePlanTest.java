package io.keyhold.server.store.sql;

import static io.keyhold.server.store.ObjectStoreContract.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.security.MasterKeyRing;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.testing.TestMasterKeys;
import io.keyhold.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * On PostgreSQL too, Locate is answered from indexes: with 100,000 objects (50,000 of one owner, three
 * attribute rows each) and the statistics ANALYZE records, the plans of the common queries read the
 * attribute_value indexes and never scan a whole table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresLocatePlanTest {
    private static final int OBJECTS = 100_000;
    private TestPostgres postgres;

    @BeforeAll
    void populate() throws Exception {
        postgres = TestPostgres.create();
        SqlObjectStore.open(postgres.database(), MasterKeyRing.of(TestMasterKeys.ephemeral()),
                SqlObjectStore.Options.DEFAULTS).close();
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO managed_object (uid, owner, object_type, state, storage_status, attributes, object)"
                    + " SELECT 'u' || g, CASE WHEN g % 2 = 0 THEN 'alice' ELSE 'bob' END, 2, 1 + g % 4, 0,"
                    + " '\\x00'::bytea, NULL FROM generate_series(1, " + OBJECTS + ") g");
            // a distinct Name per object, and the few values of Object Type and State
            s.execute("INSERT INTO attribute_value (seq, name, idx, value_key, value_num)"
                    + " SELECT seq, 'Name', 0, '\\x01'::bytea || int4send(seq::int), NULL FROM managed_object");
            s.execute("INSERT INTO attribute_value (seq, name, idx, value_key, value_num)"
                    + " SELECT seq, 'Object Type', 0, '\\x05'::bytea || int4send(2), 2 FROM managed_object");
            s.execute("INSERT INTO attribute_value (seq, name, idx, value_key, value_num)"
                    + " SELECT seq, 'State', 0, '\\x05'::bytea || int4send(state), state FROM managed_object");
            s.execute("INSERT INTO access_grant (target_kind, target, group_key, grantee_kind, grantee, operation,"
                    + " granted_at) SELECT 0, 'u' || g, NULL, 0, 'carol', 'Get', 0 FROM generate_series(1, 50) g");
            s.execute("ANALYZE");
        }
    }

    @AfterAll
    void drop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private String plan(LocateSql sql) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = postgres.connect(); PreparedStatement p = c.prepareStatement("EXPLAIN " + sql.text())) {
            sql.bind(p);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static void assertIndexed(String plan) {
        assertThat(plan).as(plan).doesNotContain("Seq Scan on managed_object").doesNotContain("Seq Scan on attribute_value")
                .contains("attribute_value_key");
    }

    private static List<LocateQuery.Criterion> nameTypeState() {
        return List.of(new LocateQuery.Equals("Name", name("db-key")),
                new LocateQuery.Equals("Object Type", TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())),
                new LocateQuery.Equals("State", TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value())));
    }

    @Test
    void byNameTypeAndState_anyOwner_selectAndCount() throws Exception {
        LocateQuery q = new LocateQuery(null, nameTypeState(), EnumSet.of(StorageStatus.ONLINE), 0, 10);
        assertIndexed(plan(LocateSql.select(q)));
        assertIndexed(plan(LocateSql.count(q)));
    }

    @Test
    void byName_ofOneOwner_readsTheNameIndexNotTheOwnersObjects() throws Exception {
        LocateQuery q = new LocateQuery("alice", nameTypeState(), EnumSet.of(StorageStatus.ONLINE), 0, 10);
        assertIndexed(plan(LocateSql.select(q)));
    }

    @Test
    void byName_visibleToAClientWithGrants() throws Exception {
        LocateQuery q = new LocateQuery(null, new LocateQuery.VisibleTo("carol", Set.of("ops"), false), nameTypeState(),
                EnumSet.of(StorageStatus.ONLINE), 0, 10);
        assertIndexed(plan(LocateSql.select(q)));
        assertIndexed(plan(LocateSql.count(q)));
    }
}
