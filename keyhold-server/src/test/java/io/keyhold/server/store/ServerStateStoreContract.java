package io.keyhold.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tickets of Login and Delegated Login and the Object Defaults and Constraints, the same in every
 * {@link ObjectStore}: each store's test subclasses this with a fresh, empty store.
 */
public abstract class ServerStateStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123Z");
    private static final String RIGHTS = "{\"rights\":[]}";

    protected ObjectStore store;

    protected abstract ObjectStore newStore() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static byte[] hash(int seed) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(new byte[] {(byte) seed, (byte) (seed >> 8)});
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static StoredTicket ticket(byte[] hash, String identity, Instant expires, OptionalLong requests,
                                       OptionalLong operations) {
        return new StoredTicket(hash, identity, RIGHTS, T0, expires, requests, operations);
    }

    private static StoredTicket ticket(int seed, String identity, Instant expires) {
        return ticket(hash(seed), identity, expires, OptionalLong.empty(), OptionalLong.empty());
    }

    private boolean insert(StoredTicket t) throws KmipException {
        return store.write(tx -> tx.insertTicket(t));
    }

    private Optional<StoredTicket> read(byte[] hash) throws KmipException {
        return store.read(tx -> tx.ticket(hash));
    }

    private long useOperations(byte[] hash, long operations) throws KmipException {
        return store.write(tx -> tx.useTicketOperations(hash, operations));
    }

    private Optional<StoredTicket> useRequest(byte[] hash, Instant now) throws KmipException {
        return store.write(tx -> tx.useTicketRequest(hash, now));
    }

    private Optional<StoredTicket> delete(byte[] hash) throws KmipException {
        return store.write(tx -> tx.deleteTicket(hash));
    }

    private List<KmipAttribute> defaults(int objectType) throws KmipException {
        return store.read(tx -> tx.objectDefaults(objectType));
    }

    private Optional<TtlvItem> constraints() throws KmipException {
        return store.read(tx -> tx.constraints());
    }

    private long live(Instant now) throws KmipException {
        return store.read(tx -> tx.liveTickets(now));
    }

    private long live(String identity, Instant now) throws KmipException {
        return store.read(tx -> tx.liveTickets(identity, now));
    }

    private long deleteEnded(Instant now) throws KmipException {
        return store.write(tx -> tx.deleteEndedTickets(now));
    }

    @Test
    void ticket_roundTrips_foundByItsWholeHashOnly() throws Exception {
        StoredTicket t = new StoredTicket(hash(1), "alice", "{\"rights\":[{\"operations\":[\"Get\"],\"objects\":[\"k1\"],"
                + "\"groups\":[]}]}", T0, T0.plusSeconds(600), OptionalLong.of(3), OptionalLong.of(7));
        assertThat(insert(t)).isTrue();
        assertThat(read(hash(1))).contains(t);
        assertThat(read(hash(1)).orElseThrow().hash()).isEqualTo(hash(1));

        byte[] sameLookup = hash(1);
        sameLookup[31] ^= 1; // the same first half: found by lookup, refused by the whole hash
        assertThat(read(sameLookup)).isEmpty();
        byte[] otherLookup = hash(1);
        otherLookup[0] ^= 1;
        assertThat(read(otherLookup)).isEmpty();
        assertThat(read(java.util.Arrays.copyOf(hash(1), 16))).isEmpty();
        assertThat(read(hash(2))).isEmpty();
        assertThat(useRequest(sameLookup, T0)).isEmpty();
        assertThat(delete(sameLookup)).isEmpty();
        assertThat(useOperations(sameLookup, 1)).isZero();
        assertThat(read(hash(1))).contains(t);
    }

    @Test
    void ticket_withoutCountsOrLimits_roundTripsWithEmptyCounts() throws Exception {
        StoredTicket t = ticket(3, "bob", T0.plusMillis(1));
        insert(t);
        assertThat(read(hash(3))).contains(t);
        assertThat(read(hash(3)).orElseThrow().requestsLeft()).isEmpty();
        assertThat(read(hash(3)).orElseThrow().operationsLeft()).isEmpty();
    }

    @Test
    void insertTicket_sameLookupKey_isRefused_andChangesNothing() throws Exception {
        StoredTicket first = ticket(1, "alice", T0.plusSeconds(60));
        assertThat(insert(first)).isTrue();
        byte[] collision = hash(1);
        collision[20] ^= 0x40;
        assertThat(insert(ticket(collision, "mallory", T0.plusSeconds(999), OptionalLong.empty(), OptionalLong.empty())))
                .isFalse();
        assertThat(read(hash(1))).contains(first);
        assertThat(read(collision)).isEmpty();
    }

    @Test
    void useTicketRequest_countsDown_thenRefuses() throws Exception {
        insert(ticket(hash(1), "alice", T0.plusSeconds(60), OptionalLong.of(2), OptionalLong.empty()));
        assertThat(useRequest(hash(1), T0)).hasValueSatisfying(
                t -> assertThat(t.requestsLeft()).hasValue(2));
        assertThat(useRequest(hash(1), T0)).hasValueSatisfying(
                t -> assertThat(t.requestsLeft()).hasValue(1));
        assertThat(useRequest(hash(1), T0)).isEmpty();
        assertThat(read(hash(1)).orElseThrow().requestsLeft()).hasValue(0);
        assertThat(read(hash(1)).orElseThrow().aliveAt(T0)).isFalse();
    }

    @Test
    void useTicketRequest_withoutRequestCount_staysUnlimited_untilTheLeaseEnds() throws Exception {
        insert(ticket(1, "alice", T0.plusSeconds(60)));
        for (int i = 0; i < 3; i++) {
            assertThat(useRequest(hash(1), T0.plusSeconds(59))).isPresent();
        }
        assertThat(read(hash(1)).orElseThrow().requestsLeft()).isEmpty();
        assertThat(useRequest(hash(1), T0.plusSeconds(60))).isEmpty();
        assertThat(useRequest(hash(2), T0)).isEmpty();
    }

    @Test
    void useTicketRequest_rolledBack_leavesTheCount() throws Exception {
        insert(ticket(hash(1), "alice", T0.plusSeconds(60), OptionalLong.of(1), OptionalLong.empty()));
        try {
            store.write(tx -> {
                tx.useTicketRequest(hash(1), T0);
                throw new IllegalStateException("rolled back");
            });
        } catch (IllegalStateException expected) {
            // the work failed: nothing of it stays
        }
        assertThat(read(hash(1)).orElseThrow().requestsLeft()).hasValue(1);
    }

    @Test
    void useTicketOperations_drawsWhatIsLeft() throws Exception {
        insert(ticket(hash(1), "alice", T0.plusSeconds(60), OptionalLong.empty(), OptionalLong.of(5)));
        insert(ticket(2, "alice", T0.plusSeconds(60)));
        assertThat(useOperations(hash(1), 1)).isEqualTo(1);
        assertThat(useOperations(hash(1), 3)).isEqualTo(3);
        assertThat(useOperations(hash(1), 3)).isEqualTo(1);
        assertThat(useOperations(hash(1), 1)).isZero();
        assertThat(read(hash(1)).orElseThrow().operationsLeft()).hasValue(0);
        assertThat(useOperations(hash(2), 4)).as("no Usage Limits").isEqualTo(4);
        assertThat(read(hash(2)).orElseThrow().operationsLeft()).isEmpty();
        assertThat(useOperations(hash(9), 1)).as("no such ticket").isZero();
    }

    @Test
    void useTicketRequest_concurrently_neverGivesMoreThanTheCount() throws Exception {
        insert(ticket(hash(1), "alice", T0.plusSeconds(60), OptionalLong.of(25), OptionalLong.empty()));
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                runs.add(pool.submit(() -> {
                    if (store.write(tx -> tx.useTicketRequest(hash(1), T0)).isPresent()) {
                        granted.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(granted.get()).isEqualTo(25);
        assertThat(read(hash(1)).orElseThrow().requestsLeft()).hasValue(0);
    }

    @Test
    void deleteTicket_removesItOnce() throws Exception {
        StoredTicket t = ticket(1, "alice", T0.plusSeconds(60));
        insert(t);
        insert(ticket(2, "alice", T0.plusSeconds(60)));
        assertThat(delete(hash(1))).contains(t);
        assertThat(delete(hash(1))).isEmpty();
        assertThat(read(hash(1))).isEmpty();
        assertThat(read(hash(2))).isPresent();
    }

    @Test
    void liveTickets_andDeleteEndedTickets_leaseAndRequestCount() throws Exception {
        insert(ticket(1, "alice", T0.plusSeconds(10)));
        insert(ticket(2, "alice", T0.plusSeconds(100)));
        insert(ticket(3, "bob", T0.plusSeconds(100)));
        insert(ticket(hash(4), "bob", T0.plusSeconds(100), OptionalLong.of(1), OptionalLong.empty()));
        assertThat(live(T0)).isEqualTo(4);
        assertThat(live("alice", T0)).isEqualTo(2);
        assertThat(live("carol", T0)).isZero();
        store.write(tx -> tx.useTicketRequest(hash(4), T0));
        assertThat(live("bob", T0)).as("Request Count used up").isEqualTo(1);
        assertThat(live(T0.plusSeconds(10))).as("the lease ends at expires").isEqualTo(2);
        assertThat(live("alice", T0.plusSeconds(10))).isEqualTo(1);

        assertThat(deleteEnded(T0.plusSeconds(10))).isEqualTo(2);
        assertThat(read(hash(1))).isEmpty();
        assertThat(read(hash(4))).isEmpty();
        assertThat(read(hash(2))).isPresent();
        assertThat(read(hash(3))).isPresent();
        assertThat(deleteEnded(T0.plusSeconds(10))).isZero();
    }

    // ---- Object Defaults and Constraints

    private static KmipAttribute group(int index, String name) {
        return new KmipAttribute("Object Group", index, TtlvItem.text(Tag.OBJECT_GROUP, name));
    }

    private static final KmipAttribute CUSTOM = new KmipAttribute("x-Team", 0,
            TtlvItem.text(Tag.ATTRIBUTE_VALUE, "payments"));

    @Test
    void objectDefaults_perObjectType_roundTripExactly_andEmptyRemovesThem() throws Exception {
        int key = ObjectType.SYMMETRIC_KEY.value();
        int secret = ObjectType.SECRET_DATA.value();
        assertThat(defaults(key)).isEmpty();
        List<KmipAttribute> keyDefaults = List.of(group(0, "g1"), group(1, "g2"),
                new KmipAttribute("Cryptographic Length", 0, TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)), CUSTOM);
        store.write(tx -> {
            tx.putObjectDefaults(key, keyDefaults, 1_700_000_000L);
            tx.putObjectDefaults(secret, List.of(group(0, "s")), 1_700_000_000L);
            return null;
        });
        assertThat(defaults(key)).containsExactlyElementsOf(keyDefaults);
        assertThat(defaults(secret)).containsExactly(group(0, "s"));

        store.write(tx -> {
            tx.putObjectDefaults(key, List.of(group(0, "replaced")), 1_700_000_001L);
            return null;
        });
        assertThat(defaults(key)).containsExactly(group(0, "replaced"));
        store.write(tx -> {
            tx.putObjectDefaults(secret, List.of(), 1_700_000_002L);
            return null;
        });
        assertThat(defaults(secret)).isEmpty();
        assertThat(defaults(key)).containsExactly(group(0, "replaced"));
    }

    @Test
    void constraints_noneUntilSet_thenTheStructureAsGiven_replacedWhole() throws Exception {
        assertThat(constraints()).isEmpty();
        TtlvItem constraints = TtlvItem.structure(Tag.CONSTRAINTS,
                TtlvItem.structure(Tag.CONSTRAINT, TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                        TtlvItem.structure(Tag.ATTRIBUTES, TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256),
                                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 128))),
                TtlvItem.structure(Tag.CONSTRAINT, TtlvItem.structure(Tag.ATTRIBUTES, TtlvItem.text(Tag.OBJECT_GROUP, "ok"))));
        store.write(tx -> {
            tx.putConstraints(constraints, 1_700_000_000L);
            return null;
        });
        assertThat(constraints()).contains(constraints);
        TtlvItem empty = TtlvItem.structure(Tag.CONSTRAINTS);
        store.write(tx -> {
            tx.putConstraints(empty, 1_700_000_001L);
            return null;
        });
        assertThat(constraints()).contains(empty);
    }

    @Test
    void creationRules_rolledBack_changeNothing() throws Exception {
        try {
            store.write(tx -> {
                tx.putObjectDefaults(ObjectType.SYMMETRIC_KEY.value(), List.of(group(0, "g")), 1L);
                tx.putConstraints(TtlvItem.structure(Tag.CONSTRAINTS), 1L);
                throw new IllegalStateException("rolled back");
            });
        } catch (IllegalStateException expected) {
            // the work failed: nothing of it stays
        }
        assertThat(defaults(ObjectType.SYMMETRIC_KEY.value())).isEmpty();
        assertThat(constraints()).isEmpty();
    }
}
