package io.keyhold.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObjectStore} must do, with {@link io.keyhold.server.store.memory.InMemoryObjectStore}
 * as the reference. Each store's test subclasses this and provides a fresh, empty store.
 */
public abstract class ObjectStoreContract {
    protected static final Set<StorageStatus> ANY_STORAGE = EnumSet.allOf(StorageStatus.class);
    protected static final Set<StorageStatus> ONLINE = EnumSet.of(StorageStatus.ONLINE);

    protected ObjectStore store;

    /** A new, empty store. */
    protected abstract ObjectStore newStore() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---- fixtures -------------------------------------------------------------------------------

    public static KmipAttribute attr(String name, TtlvItem value) {
        return new KmipAttribute(name, 0, value);
    }

    public static KmipAttribute attr(String name, int index, TtlvItem value) {
        return new KmipAttribute(name, index, value);
    }

    public static KmipAttribute custom(String name, int index, TtlvItem value) {
        return new KmipAttribute(name, index, value);
    }

    public static TtlvItem name(String value) {
        return TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, value),
                TtlvItem.enumeration(Tag.NAME_TYPE, 1));
    }

    public static TtlvItem material(String uid) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) uid.hashCode());
        return TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, 1),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, bytes)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, 3),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)));
    }

    /** An AES key with the usual server attributes plus {@code extra}. */
    public static StoredObject key(String uid, String owner, State state, KmipAttribute... extra) {
        List<KmipAttribute> attributes = new ArrayList<>(List.of(
                attr("Unique Identifier", TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid)),
                attr("Object Type", TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())),
                attr("State", TtlvItem.enumeration(Tag.STATE, state.value())),
                attr("Cryptographic Algorithm", TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, 3)),
                attr("Cryptographic Length", TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)),
                attr("Cryptographic Usage Mask", TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, 0x0C)),
                attr("Initial Date", TtlvItem.dateTime(Tag.INITIAL_DATE, 1_700_000_000L))));
        attributes.addAll(List.of(extra));
        return new StoredObject(uid, owner, StorageStatus.ONLINE, attributes, material(uid));
    }

    protected void insert(StoredObject... objects) throws KmipException {
        store.write(tx -> {
            for (StoredObject o : objects) {
                tx.insert(o);
            }
            return null;
        });
    }

    protected StoredObject get(String uid) throws KmipException {
        return store.read(tx -> tx.get(uid)).orElseThrow(() -> new AssertionError("no object " + uid));
    }

    protected Optional<StoredObject> find(String uid) throws KmipException {
        return store.read(tx -> tx.get(uid));
    }

    protected List<String> locate(LocateQuery.Criterion... criteria) throws KmipException {
        return locate(new LocateQuery(null, List.of(criteria), ANY_STORAGE, 0, -1));
    }

    protected List<String> locate(LocateQuery q) throws KmipException {
        return store.read(tx -> tx.locate(q));
    }

    protected long count(LocateQuery q) throws KmipException {
        return store.read(tx -> tx.count(q));
    }

    // ---- insert, get, update --------------------------------------------------------------------

    @Test
    void insert_thenGet_returnsEqualObject() throws Exception {
        StoredObject k = key("k1", "alice", State.ACTIVE,
                attr("Name", 0, name("first")), attr("Name", 1, name("second")),
                custom("x-purpose", 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "backup")),
                custom("x-purpose", 3, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "archive")));
        insert(k);

        assertThat(get("k1")).isEqualTo(k);
        assertThat(get("k1").attributes("x-purpose")).extracting(KmipAttribute::index).containsExactly(0, 3);
    }

    @Test
    void insert_everyItemType_roundTripsExactly() throws Exception {
        List<KmipAttribute> values = List.of(
                custom("x-structure", 0, TtlvItem.structure(Tag.ATTRIBUTE_VALUE,
                        TtlvItem.text(Tag.NAME_VALUE, "n"), TtlvItem.structure(Tag.LINK,
                                TtlvItem.enumeration(Tag.LINK_TYPE, 0x103),
                                TtlvItem.text(Tag.LINKED_OBJECT_IDENTIFIER, "other")))),
                custom("x-empty-structure", 0, TtlvItem.structure(Tag.ATTRIBUTE_VALUE)),
                custom("x-integer", 0, TtlvItem.integer(Tag.ATTRIBUTE_VALUE, -7)),
                custom("x-long", 0, TtlvItem.longInteger(Tag.ATTRIBUTE_VALUE, Long.MIN_VALUE)),
                custom("x-big", 0, TtlvItem.bigInteger(Tag.ATTRIBUTE_VALUE, new BigInteger("-123456789012345678901234567890"))),
                custom("x-enum", 0, TtlvItem.enumeration(Tag.ATTRIBUTE_VALUE, 0x80000001)),
                custom("x-bool", 0, TtlvItem.bool(Tag.ATTRIBUTE_VALUE, true)),
                custom("x-text", 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "héllo ✓")),
                custom("x-empty-text", 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "")),
                custom("x-bytes", 0, TtlvItem.bytes(Tag.ATTRIBUTE_VALUE, new byte[] {0, 1, (byte) 0xFF})),
                custom("x-date", 0, TtlvItem.dateTime(Tag.ATTRIBUTE_VALUE, -1L)),
                custom("x-interval", 0, TtlvItem.interval(Tag.ATTRIBUTE_VALUE, 4_000_000_000L)),
                custom("x-date-ext", 0, TtlvItem.dateTimeExtended(Tag.ATTRIBUTE_VALUE, 1_700_000_000_123_456L)),
                custom("y-vendor", 7, TtlvItem.text(0x540001, "vendor tag kept")));
        StoredObject k = key("k1", "alice", State.ACTIVE, values.toArray(KmipAttribute[]::new));
        insert(k);

        StoredObject back = get("k1");
        assertThat(back.attributes()).containsExactlyElementsOf(k.attributes());
        assertThat(back.attributes("y-vendor").get(0).value().tag()).isEqualTo(0x540001);
        assertThat(back.object()).isEqualTo(k.object());
    }

    @Test
    void insert_withoutObject_returnsNullObject() throws Exception {
        StoredObject destroyed = key("k1", "alice", State.DESTROYED).withObject(null);
        insert(destroyed);

        assertThat(get("k1").object()).isNull();
        assertThat(get("k1")).isEqualTo(destroyed);
    }

    @Test
    void get_unknownIdentifier_returnsEmpty() throws Exception {
        insert(key("k1", "alice", State.ACTIVE));

        assertThat(find("k2")).isEmpty();
    }

    @Test
    void insert_duplicateIdentifier_throwsStoreExceptionAndKeepsFirst() throws Exception {
        StoredObject first = key("k1", "alice", State.ACTIVE);
        insert(first);

        assertThatThrownBy(() -> insert(key("k1", "bob", State.PRE_ACTIVE)))
                .isInstanceOf(StoreException.class).hasMessageContaining("k1");
        assertThat(get("k1")).isEqualTo(first);
        assertThat(count(new LocateQuery(null, List.of(), ANY_STORAGE, 0, -1))).isEqualTo(1);
    }

    @Test
    void update_replacesAttributesObjectAndStorageStatus() throws Exception {
        insert(key("k1", "alice", State.ACTIVE, attr("Name", name("old"))));
        StoredObject changed = key("k1", "alice", State.DEACTIVATED, attr("Name", name("new")))
                .withObject(null).withStorageStatus(StorageStatus.ARCHIVED);

        store.write(tx -> {
            tx.update(changed);
            return null;
        });

        assertThat(get("k1")).isEqualTo(changed);
        assertThat(locate(new LocateQuery.Equals("Name", name("old")))).isEmpty();
        assertThat(locate(new LocateQuery.Equals("Name", name("new")))).containsExactly("k1");
        assertThat(locate(new LocateQuery.Equals("State", TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value()))))
                .isEmpty();
        assertThat(locate(new LocateQuery(null, List.of(), ONLINE, 0, -1))).isEmpty();
    }

    @Test
    void update_unknownIdentifier_throwsStoreException() throws Exception {
        insert(key("k1", "alice", State.ACTIVE));

        assertThatThrownBy(() -> store.write(tx -> {
            tx.update(key("k2", "alice", State.ACTIVE));
            return null;
        })).isInstanceOf(StoreException.class).hasMessageContaining("k2");
        assertThat(find("k2")).isEmpty();
    }

    @Test
    void update_ownerChange_throwsStoreExceptionAndKeepsObject() throws Exception {
        StoredObject k = key("k1", "alice", State.ACTIVE);
        insert(k);

        assertThatThrownBy(() -> store.write(tx -> {
            tx.update(key("k1", "mallory", State.ACTIVE));
            return null;
        })).isInstanceOf(StoreException.class).hasMessageContaining("owner");
        assertThat(get("k1")).isEqualTo(k);
    }

    @Test
    void update_keepsStorageOrder() throws Exception {
        insert(key("k1", "alice", State.ACTIVE), key("k2", "alice", State.ACTIVE));
        store.write(tx -> {
            tx.update(key("k1", "alice", State.DEACTIVATED));
            return null;
        });

        assertThat(locate()).containsExactly("k1", "k2");
    }

    @Test
    void write_returnsWorkResultAndReadsOwnChanges() throws Exception {
        List<String> seen = store.write(tx -> {
            tx.insert(key("k1", "alice", State.ACTIVE, attr("Name", name("n"))));
            assertThat(tx.get("k1")).isPresent();
            return tx.locate(new LocateQuery(null, List.of(new LocateQuery.Equals("Name", name("n"))), ANY_STORAGE, 0, -1));
        });

        assertThat(seen).containsExactly("k1");
    }

    @Test
    void write_workThrowsKmipException_changesNothingAndRethrows() throws Exception {
        insert(key("k1", "alice", State.ACTIVE));
        KmipException thrown = new KmipException(ResultReason.PERMISSION_DENIED, "not yours");

        assertThatThrownBy(() -> store.write(tx -> {
            tx.insert(key("k2", "alice", State.ACTIVE));
            tx.update(key("k1", "alice", State.COMPROMISED));
            throw thrown;
        })).isSameAs(thrown);

        assertThat(find("k2")).isEmpty();
        assertThat(get("k1").state()).isEqualTo(State.ACTIVE.value());
        assertThat(locate(new LocateQuery.Equals("Unique Identifier", TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "k2"))))
                .isEmpty();
    }

    @Test
    void write_workThrowsRuntimeException_changesNothingAndRethrows() throws Exception {
        IllegalStateException thrown = new IllegalStateException("boom");

        assertThatThrownBy(() -> store.write(tx -> {
            tx.insert(key("k1", "alice", State.ACTIVE));
            throw thrown;
        })).isSameAs(thrown);

        assertThat(count(new LocateQuery(null, List.of(), ANY_STORAGE, 0, -1))).isZero();
    }

    @Test
    void write_failedInsertInWork_rollsBackEarlierChangesOfThatWork() throws Exception {
        insert(key("k1", "alice", State.ACTIVE));

        assertThatThrownBy(() -> insert(key("k2", "alice", State.ACTIVE), key("k1", "alice", State.ACTIVE)))
                .isInstanceOf(StoreException.class);

        assertThat(find("k2")).isEmpty();
    }

    @Test
    void write_workCatchesRefusedInsert_commitsTheRest() throws Exception {
        StoredObject first = key("k1", "alice", State.ACTIVE);
        insert(first);

        boolean refused = store.write(tx -> {
            boolean wasRefused = false;
            try {
                tx.insert(key("k1", "bob", State.COMPROMISED));
            } catch (StoreException e) {
                wasRefused = true;
            }
            tx.insert(key("k2", "alice", State.ACTIVE));
            return wasRefused;
        });

        assertThat(refused).isTrue();
        assertThat(get("k1")).isEqualTo(first);
        assertThat(locate()).containsExactly("k1", "k2");
    }

    // ---- locate ---------------------------------------------------------------------------------

    @Test
    void locate_equals_comparesValueIgnoringTag() throws Exception {
        insert(key("k1", "alice", State.ACTIVE, custom("x-color", 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "red"))),
                key("k2", "alice", State.ACTIVE, custom("x-color", 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "blue"))),
                key("k3", "alice", State.ACTIVE, custom("x-color", 0, TtlvItem.bytes(Tag.ATTRIBUTE_VALUE, "red".getBytes()))));

        assertThat(locate(new LocateQuery.Equals("x-color", TtlvItem.text(Tag.NAME_VALUE, "red")))).containsExactly("k1");
        assertThat(locate(new LocateQuery.Equals("x-other", TtlvItem.text(Tag.ATTRIBUTE_VALUE, "red")))).isEmpty();
    }

    @Test
    void locate_equals_structureMatchesOnlyWholeValue() throws Exception {
        insert(key("k1", "alice", State.ACTIVE, attr("Name", name("db-key"))),
                key("k2", "alice", State.ACTIVE, attr("Name", name("db-key-2"))));

        assertThat(locate(new LocateQuery.Equals("Name", name("db-key")))).containsExactly("k1");
        TtlvItem otherType = TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, "db-key"),
                TtlvItem.enumeration(Tag.NAME_TYPE, 2));
        assertThat(locate(new LocateQuery.Equals("Name", otherType))).isEmpty();
    }

    @Test
    void locate_anyOf_matchesAnyValue() throws Exception {
        insert(key("k1", "alice", State.PRE_ACTIVE), key("k2", "alice", State.ACTIVE),
                key("k3", "alice", State.DEACTIVATED));

        assertThat(locate(new LocateQuery.AnyOf("State", List.of(
                TtlvItem.enumeration(Tag.STATE, State.PRE_ACTIVE.value()),
                TtlvItem.enumeration(Tag.STATE, State.DEACTIVATED.value()))))).containsExactly("k1", "k3");
        assertThat(locate(new LocateQuery.AnyOf("State", List.of()))).isEmpty();
    }

    @Test
    void locate_noneOf_includesObjectsWithoutTheAttribute() throws Exception {
        insert(key("k1", "alice", State.ACTIVE, attr("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, "g1"))),
                key("k2", "alice", State.ACTIVE, attr("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, "g2"))),
                key("k3", "alice", State.ACTIVE));

        assertThat(locate(new LocateQuery.NoneOf("Object Group", List.of(TtlvItem.text(Tag.OBJECT_GROUP, "g1")))))
                .containsExactly("k2", "k3");
        assertThat(locate(new LocateQuery.NoneOf("Object Group", List.of()))).containsExactly("k1", "k2", "k3");
    }

    @Test
    void locate_between_isInclusiveAndOnlyNumeric() throws Exception {
        insert(key("k1", "alice", State.ACTIVE, custom("x-n", 0, TtlvItem.dateTime(Tag.ATTRIBUTE_VALUE, 100))),
                key("k2", "alice", State.ACTIVE, custom("x-n", 0, TtlvItem.longInteger(Tag.ATTRIBUTE_VALUE, 200))),
                key("k3", "alice", State.ACTIVE, custom("x-n", 0, TtlvItem.integer(Tag.ATTRIBUTE_VALUE, 300))),
                key("k4", "alice", State.ACTIVE, custom("x-n", 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "150"))),
                key("k5", "alice", State.ACTIVE, custom("x-n", 0, TtlvItem.interval(Tag.ATTRIBUTE_VALUE, 250))));

        assertThat(locate(new LocateQuery.Between("x-n", 100, 200))).containsExactly("k1", "k2");
        assertThat(locate(new LocateQuery.Between("x-n", 201, Long.MAX_VALUE))).containsExactly("k3", "k5");
        assertThat(locate(new LocateQuery.Between("x-n", 300, 100))).isEmpty();
        assertThat(locate(new LocateQuery.Between("Initial Date", 1_700_000_000L, 1_700_000_000L)))
                .containsExactly("k1", "k2", "k3", "k4", "k5");
    }

    @Test
    void locate_maskContains_matchesIntegerMasksWithEveryBit() throws Exception {
        insert(key("k1", "alice", State.ACTIVE, custom("x-mask", 0, TtlvItem.integer(Tag.ATTRIBUTE_VALUE, 0x0C))),
                key("k2", "alice", State.ACTIVE, custom("x-mask", 0, TtlvItem.integer(Tag.ATTRIBUTE_VALUE, 0x04))),
                key("k3", "alice", State.ACTIVE, custom("x-mask", 0, TtlvItem.enumeration(Tag.ATTRIBUTE_VALUE, 0x0C))),
                key("k4", "alice", State.ACTIVE, custom("x-mask", 0, TtlvItem.longInteger(Tag.ATTRIBUTE_VALUE, 0x0C))),
                key("k5", "alice", State.ACTIVE, custom("x-mask", 0, TtlvItem.integer(Tag.ATTRIBUTE_VALUE, 0x80000004))));

        assertThat(locate(new LocateQuery.MaskContains("x-mask", 0x0C))).containsExactly("k1");
        assertThat(locate(new LocateQuery.MaskContains("x-mask", 0x04))).containsExactly("k1", "k2", "k5");
        assertThat(locate(new LocateQuery.MaskContains("x-mask", 0x80000000))).containsExactly("k5");
        assertThat(locate(new LocateQuery.MaskContains("Cryptographic Usage Mask", 0x08)))
                .containsExactly("k1", "k2", "k3", "k4", "k5");
    }

    @Test
    void locate_present_matchesObjectsWithAnyInstance() throws Exception {
        insert(key("k1", "alice", State.ACTIVE, attr("Name", 2, name("n"))), key("k2", "alice", State.ACTIVE));

        assertThat(locate(new LocateQuery.Present("Name"))).containsExactly("k1");
        assertThat(locate(new LocateQuery.Present("Object Type"))).containsExactly("k1", "k2");
    }

    @Test
    void locate_multiValuedAttribute_matchesAnyInstance() throws Exception {
        insert(key("k1", "alice", State.ACTIVE,
                        attr("Object Group", 0, TtlvItem.text(Tag.OBJECT_GROUP, "g1")),
                        attr("Object Group", 1, TtlvItem.text(Tag.OBJECT_GROUP, "g2"))),
                key("k2", "alice", State.ACTIVE, attr("Object Group", 0, TtlvItem.text(Tag.OBJECT_GROUP, "g2"))));

        assertThat(locate(new LocateQuery.Equals("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, "g1"))))
                .containsExactly("k1");
        assertThat(locate(new LocateQuery.Equals("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, "g2"))))
                .containsExactly("k1", "k2");
        assertThat(locate(new LocateQuery.NoneOf("Object Group", List.of(TtlvItem.text(Tag.OBJECT_GROUP, "g1")))))
                .containsExactly("k2");
        assertThat(locate(new LocateQuery.Equals("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, "g1")),
                new LocateQuery.Equals("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, "g2")))).containsExactly("k1");
    }

    @Test
    void locate_severalCriteria_mustAllHold() throws Exception {
        insert(key("k1", "alice", State.ACTIVE, attr("Name", name("a"))),
                key("k2", "alice", State.PRE_ACTIVE, attr("Name", name("a"))),
                key("k3", "alice", State.ACTIVE, attr("Name", name("b"))));

        assertThat(locate(new LocateQuery.Equals("Name", name("a")),
                new LocateQuery.Equals("Object Type", TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value())),
                new LocateQuery.Equals("State", TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value()))))
                .containsExactly("k1");
        assertThat(locate(new LocateQuery.Equals("Name", name("a")),
                new LocateQuery.Equals("Object Type", TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SECRET_DATA.value()))))
                .isEmpty();
    }

    @Test
    void locate_owner_filtersOrNullMeansAny() throws Exception {
        insert(key("k1", "alice", State.ACTIVE), key("k2", "bob", State.ACTIVE), key("k3", "alice", State.ACTIVE));

        assertThat(locate(new LocateQuery("alice", List.of(), ANY_STORAGE, 0, -1))).containsExactly("k1", "k3");
        assertThat(locate(new LocateQuery("bob", List.of(), ANY_STORAGE, 0, -1))).containsExactly("k2");
        assertThat(locate(new LocateQuery("carol", List.of(), ANY_STORAGE, 0, -1))).isEmpty();
        assertThat(locate(new LocateQuery(null, List.of(), ANY_STORAGE, 0, -1))).containsExactly("k1", "k2", "k3");
    }

    @Test
    void locate_storageStatus_filters() throws Exception {
        insert(key("k1", "alice", State.ACTIVE), key("k2", "alice", State.ACTIVE).withStorageStatus(StorageStatus.ARCHIVED));

        assertThat(locate(new LocateQuery(null, List.of(), ONLINE, 0, -1))).containsExactly("k1");
        assertThat(locate(new LocateQuery(null, List.of(), EnumSet.of(StorageStatus.ARCHIVED), 0, -1))).containsExactly("k2");
        assertThat(locate(new LocateQuery(null, List.of(), ANY_STORAGE, 0, -1))).containsExactly("k1", "k2");
        assertThat(locate(new LocateQuery(null, List.of(), Set.of(), 0, -1))).isEmpty();
    }

    @Test
    void locate_offsetAndLimit_pageInStorageOrder() throws Exception {
        for (int i = 0; i < 10; i++) {
            insert(key("k" + (9 - i), i % 3 == 0 ? "bob" : "alice", State.ACTIVE));
        }
        // storage order: k9 k8 ... k0; alice owns k8 k7 k5 k4 k2 k1
        assertThat(locate(new LocateQuery("alice", List.of(), ANY_STORAGE, 0, 2))).containsExactly("k8", "k7");
        assertThat(locate(new LocateQuery("alice", List.of(), ANY_STORAGE, 2, 2))).containsExactly("k5", "k4");
        assertThat(locate(new LocateQuery("alice", List.of(), ANY_STORAGE, 4, 10))).containsExactly("k2", "k1");
        assertThat(locate(new LocateQuery("alice", List.of(), ANY_STORAGE, 3, -1))).containsExactly("k4", "k2", "k1");
        assertThat(locate(new LocateQuery("alice", List.of(), ANY_STORAGE, 6, -1))).isEmpty();
        assertThat(locate(new LocateQuery("alice", List.of(), ANY_STORAGE, 0, 0))).isEmpty();
    }

    @Test
    void count_ignoresOffsetAndLimit() throws Exception {
        for (int i = 0; i < 7; i++) {
            insert(key("k" + i, "alice", i < 5 ? State.ACTIVE : State.PRE_ACTIVE));
        }
        LocateQuery.Criterion active = new LocateQuery.Equals("State", TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value()));

        assertThat(count(new LocateQuery("alice", List.of(active), ANY_STORAGE, 3, 1))).isEqualTo(5);
        assertThat(count(new LocateQuery("alice", List.of(), ANY_STORAGE, 0, 0))).isEqualTo(7);
        assertThat(count(new LocateQuery("bob", List.of(), ANY_STORAGE, 0, -1))).isZero();
    }

    @Test
    void locate_everyCriterionKind_agreesWithReferenceStore() throws Exception {
        io.keyhold.server.store.memory.InMemoryObjectStore reference = new io.keyhold.server.store.memory.InMemoryObjectStore();
        List<StoredObject> objects = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            List<KmipAttribute> extra = new ArrayList<>();
            if (i % 2 == 0) {
                extra.add(attr("Name", 0, name("n" + (i % 5))));
            }
            if (i % 3 == 0) {
                extra.add(attr("Object Group", 0, TtlvItem.text(Tag.OBJECT_GROUP, "g" + (i % 4))));
                extra.add(attr("Object Group", 1, TtlvItem.text(Tag.OBJECT_GROUP, "h" + (i % 2))));
            }
            extra.add(custom("x-n", 0, i % 4 == 0 ? TtlvItem.integer(Tag.ATTRIBUTE_VALUE, i)
                    : TtlvItem.dateTime(Tag.ATTRIBUTE_VALUE, i * 10L)));
            State state = State.values()[i % 4];
            StoredObject o = key("u" + i, i % 3 == 1 ? "bob" : "alice", state, extra.toArray(KmipAttribute[]::new))
                    .withStorageStatus(i % 7 == 0 ? StorageStatus.ARCHIVED : StorageStatus.ONLINE);
            objects.add(o);
        }
        for (StoredObject o : objects) {
            insert(o);
            reference.write(tx -> {
                tx.insert(o);
                return null;
            });
        }
        List<List<LocateQuery.Criterion>> criteria = List.of(
                List.of(),
                List.of(new LocateQuery.Equals("Name", name("n2"))),
                List.of(new LocateQuery.AnyOf("Object Group", List.of(TtlvItem.text(Tag.OBJECT_GROUP, "g0"),
                        TtlvItem.text(Tag.OBJECT_GROUP, "h1")))),
                List.of(new LocateQuery.NoneOf("Object Group", List.of(TtlvItem.text(Tag.OBJECT_GROUP, "h0")))),
                List.of(new LocateQuery.Between("x-n", 8, 150), new LocateQuery.Present("Name")),
                List.of(new LocateQuery.MaskContains("x-n", 4)),
                List.of(new LocateQuery.Present("Object Group"), new LocateQuery.NoneOf("Name", List.of(name("n0")))));
        for (List<LocateQuery.Criterion> c : criteria) {
            for (String owner : Arrays.asList(null, "alice")) {
                for (Set<StorageStatus> storage : List.of(ANY_STORAGE, ONLINE)) {
                    for (int[] page : new int[][] {{0, -1}, {1, 3}, {5, 0}}) {
                        LocateQuery q = new LocateQuery(owner, c, storage, page[0], page[1]);
                        assertThat(locate(q)).as(q.toString()).isEqualTo(reference.read(tx -> tx.locate(q)));
                        assertThat(count(q)).as(q.toString()).isEqualTo(reference.read(tx -> tx.count(q)));
                    }
                }
            }
        }
    }
}
