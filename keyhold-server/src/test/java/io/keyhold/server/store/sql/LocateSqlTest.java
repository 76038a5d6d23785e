package io.keyhold.server.store.sql;

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
        try (SqlObjectStore store = SqlObjectStore.open(db, TestMasterKeys.ephemeral())) {
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

    /**
     * Planner statistics of a store of 1,000,000 keys of one owner with 20 attribute rows each, as ANALYZE
     * (and PRAGMA optimize at close) would record them: the plans must not depend on the store being small.
     */
    private void millionObjectStatistics() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             java.sql.Statement s = c.createStatement()) {
            s.execute("ANALYZE");
            s.execute("DELETE FROM sqlite_stat1");
            s.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES"
                    + " ('managed_object', NULL, '1000000'),"
                    + " ('managed_object', 'sqlite_autoindex_managed_object_1', '1000000 1'),"
                    + " ('managed_object', 'managed_object_owner', '1000000 1000000 1'),"
                    + " ('managed_object', 'managed_object_type_state', '1000000 1000000 250000 1'),"
                    + " ('managed_object', 'managed_object_state', '1000000 250000 1'),"
                    + " ('attribute_value', 'attribute_value_key', '20000000 1000000 2 1'),"
                    + " ('attribute_value', 'attribute_value_num', '20000000 1000000 2 1'),"
                    + " ('attribute_value', 'attribute_value_object', '20000000 20 1')");
        }
    }

    private static List<LocateQuery.Criterion> byName(LocateQuery.Criterion... more) {
        List<LocateQuery.Criterion> criteria = new ArrayList<>(List.of(more));
        criteria.add(0, new LocateQuery.Equals("Name", name("db-key")));
        criteria.add(new LocateQuery.NoneOf("State", List.of(TtlvItem.enumeration(Tag.STATE, State.DESTROYED.value()),
                TtlvItem.enumeration(Tag.STATE, State.DESTROYED_COMPROMISED.value()))));
        return criteria;
    }

    /**
     * Locate by Name as LocateHandler asks it (visible to the client, not destroyed): objects are read by
     * primary key from the Name's rows in attribute_value_key, never all of the client's objects from the
     * owner index, so the cost does not grow with the number of objects the client owns.
     */
    private static void assertStartsFromName(List<String> steps) {
        assertThat(steps.get(0)).as("first step of " + steps).isEqualTo("SEARCH m USING INTEGER PRIMARY KEY (rowid=?)");
        assertThat(steps).as("plan").noneMatch(s -> s.contains("managed_object_owner"))
                .noneMatch(s -> s.startsWith("SCAN "))
                .contains("SEARCH a USING COVERING INDEX attribute_value_key (name=? AND value_key=?)");
    }

    @Test
    void select_byNameVisibleToClient_readsTheNameIndexNotTheOwnersObjects() throws Exception {
        assertStartsFromName(plan(LocateSql.select(visibleTo(byName()))));
        assertStartsFromName(plan(LocateSql.count(visibleTo(byName()))));
        millionObjectStatistics();
        assertStartsFromName(plan(LocateSql.select(visibleTo(byName()))));
        assertStartsFromName(plan(LocateSql.count(visibleTo(byName()))));
    }

    /** With an owner, each object of the Name is looked up in the owner index by (owner, seq). */
    @Test
    void select_byNameOfOwner_readsTheNameIndexNotTheOwnersObjects() throws Exception {
        LocateQuery q = new LocateQuery("alice", byName(), EnumSet.of(StorageStatus.ONLINE), 0, 10);
        for (int round = 0; round < 2; round++) {
            List<String> steps = plan(LocateSql.select(q));
            assertThat(steps.get(0)).as("first step of " + steps).isIn("SEARCH m USING INTEGER PRIMARY KEY (rowid=?)",
                    "SEARCH m USING INDEX managed_object_owner (owner=? AND seq=?)");
            assertThat(steps).contains("SEARCH a USING COVERING INDEX attribute_value_key (name=? AND value_key=?)")
                    .noneMatch(s -> s.startsWith("SCAN ")).noneMatch(s -> s.endsWith("managed_object_owner (owner=?)"));
            millionObjectStatistics();
        }
    }

    @Test
    void select_byNameAndObjectType_probesTheTypePerCandidate() throws Exception {
        millionObjectStatistics();
        LocateQuery.Criterion type = new LocateQuery.Equals("Object Type",
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()));
        // the type comes first in the request, yet the Name drives and the type is checked per candidate
        List<LocateQuery.Criterion> criteria = byName(type);
        java.util.Collections.swap(criteria, 0, 1);

        List<String> steps = plan(LocateSql.select(visibleTo(criteria)));

        assertStartsFromName(steps);
        assertThat(steps).filteredOn(s -> s.startsWith("CORRELATED")).hasSize(2);
        assertThat(steps).filteredOn(s -> s.equals("SEARCH a USING COVERING INDEX attribute_value_key (name=? AND value_key=? AND seq=?)"))
                .hasSize(2);
    }

    /**
     * The query DueDates runs every second: objects of a State whose date has come. It starts from the date
     * range (attribute_value_num) and checks the State per candidate, instead of reading every Pre-Active
     * object of the store each time.
     */
    @Test
    void select_stateAndDateRange_startsFromTheDates() throws Exception {
        millionObjectStatistics();
        LocateQuery due = new LocateQuery(null, List.of(
                new LocateQuery.Equals("State", TtlvItem.enumeration(Tag.STATE, State.PRE_ACTIVE.value())),
                new LocateQuery.Between("Activation Date", Long.MIN_VALUE, 1_800_000_000L)),
                EnumSet.allOf(StorageStatus.class), 0, 1000);

        List<String> steps = plan(LocateSql.select(due));

        assertThat(steps.get(0)).as("first step of " + steps).isEqualTo("SEARCH m USING INTEGER PRIMARY KEY (rowid=?)");
        assertThat(steps).anyMatch(s -> s.startsWith("SEARCH a USING COVERING INDEX attribute_value_num (name=? AND value_num"))
                .doesNotContain("SEARCH a USING COVERING INDEX attribute_value_key (name=? AND value_key=?)")
                .contains("SEARCH a USING COVERING INDEX attribute_value_key (name=? AND value_key=? AND seq=?)")
                .noneMatch(s -> s.startsWith("SCAN "));
    }

    @Test
    void driver_prefersManyValuedEqualsThenRangesThenTheRest() {
        LocateQuery.Equals type = new LocateQuery.Equals("Object Type",
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()));
        LocateQuery.Equals named = new LocateQuery.Equals("Name", name("n"));
        LocateQuery.Between dates = new LocateQuery.Between("Initial Date", 0, 10);
        LocateQuery.MaskContains mask = new LocateQuery.MaskContains("Cryptographic Usage Mask", 4);
        LocateQuery.NoneOf none = new LocateQuery.NoneOf("State", List.of(TtlvItem.enumeration(Tag.STATE, 5)));

        assertThat(LocateSql.driver(List.of(type, mask, dates, named, none))).isSameAs(named);
        assertThat(LocateSql.driver(List.of(type, mask, dates, none))).isSameAs(dates);
        assertThat(LocateSql.driver(List.of(mask, none, type))).isSameAs(type);
        assertThat(LocateSql.driver(List.of(none, mask))).isSameAs(mask);
        assertThat(LocateSql.driver(List.of(none))).isNull();
        assertThat(LocateSql.driver(List.of())).isNull();
    }
}
