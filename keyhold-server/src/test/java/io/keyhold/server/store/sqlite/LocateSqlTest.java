package io.keyhold.server.store.sqlite;

import static io.keyhold.server.store.ObjectStoreContract.key;
import static io.keyhold.server.store.ObjectStoreContract.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locate is answered from indexes: the query plans never scan every object when a criterion narrows. */
class LocateSqlTest {
    @TempDir
    Path dir;

    private Path db;

    @BeforeEach
    void populate() throws Exception {
        db = dir.resolve("keyhold.db");
        try (SqliteObjectStore store = SqliteObjectStore.open(db, TestMasterKeys.ephemeral())) {
            store.write(tx -> {
                for (int i = 0; i < 300; i++) {
                    tx.insert(key("k" + i, i % 2 == 0 ? "alice" : "bob", State.values()[i % 4]));
                }
                return null;
            });
        }
    }

    private List<String> plan(LocateSql sql) throws Exception {
        List<String> steps = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + sql.text())) {
            sql.bind(p);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    steps.add(rs.getString("detail"));
                }
            }
        }
        return steps;
    }

    private static LocateQuery nameTypeState(String owner) {
        return new LocateQuery(owner, List.of(
                new LocateQuery.Equals("Name", name("db-key")),
                new LocateQuery.Equals("Object Type", TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())),
                new LocateQuery.Equals("State", TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value()))),
                EnumSet.of(StorageStatus.ONLINE), 0, 10);
    }

    private static void assertNoFullScan(List<String> steps) {
        assertThat(steps).isNotEmpty();
        for (String step : steps) {
            if (step.startsWith("SCAN ")) {
                assertThat(step).as("plan step in " + steps).contains("USING");
            }
        }
        assertThat(steps).anyMatch(s -> s.contains("attribute_value_key"));
    }

    @Test
    void select_nameTypeAndState_usesIndexes() throws Exception {
        assertNoFullScan(plan(LocateSql.select(nameTypeState(null))));
        assertNoFullScan(plan(LocateSql.select(nameTypeState("alice"))));
    }

    @Test
    void count_nameTypeAndState_usesIndexes() throws Exception {
        assertNoFullScan(plan(LocateSql.count(nameTypeState("alice"))));
    }

    @Test
    void select_rangeAndNoneOf_usesIndexes() throws Exception {
        LocateQuery q = new LocateQuery(null, List.of(
                new LocateQuery.Equals("Name", name("db-key")),
                new LocateQuery.Between("Initial Date", 0, 2_000_000_000L),
                new LocateQuery.NoneOf("Object Group", List.of(TtlvItem.text(Tag.OBJECT_GROUP, "g")))),
                EnumSet.allOf(StorageStatus.class), 0, -1);

        List<String> steps = plan(LocateSql.select(q));

        assertNoFullScan(steps);
        assertThat(steps).anyMatch(s -> s.contains("CORRELATED"))
                .anyMatch(s -> s.startsWith("SEARCH a USING") && s.contains("seq=?"));
    }

    private static LocateQuery visibleTo(List<LocateQuery.Criterion> criteria) {
        return new LocateQuery(null, new LocateQuery.VisibleTo("carol", java.util.Set.of("ops", "dba"), false), criteria,
                EnumSet.of(StorageStatus.ONLINE), 0, 10);
    }

    @Test
    void select_visibleToClient_usesOwnerGrantAndGroupIndexes() throws Exception {
        List<LocateQuery.Criterion> none = List.of(new LocateQuery.NoneOf("State",
                List.of(TtlvItem.enumeration(Tag.STATE, State.DESTROYED.value()))));
        for (LocateSql sql : List.of(LocateSql.select(visibleTo(none)), LocateSql.count(visibleTo(none)))) {
            List<String> steps = plan(sql);
            for (String step : steps) {
                if (step.startsWith("SCAN ")) {
                    assertThat(step).as("plan step in " + steps).contains("USING");
                }
            }
            assertThat(steps).anyMatch(s -> s.contains("managed_object_owner"))
                    .anyMatch(s -> s.contains("access_grant_grantee"))
                    .anyMatch(s -> s.contains("attribute_value_key"));
        }
    }

    @Test
    void select_visibleToClientWithCriteria_usesIndexes() throws Exception {
        List<String> steps = plan(LocateSql.select(visibleTo(nameTypeState(null).criteria())));
        assertNoFullScan(steps);
    }
}
