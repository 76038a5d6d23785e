package io.keyhold.server.auth;

import static io.keyhold.server.store.ObjectStoreContract.attr;
import static io.keyhold.server.store.ObjectStoreContract.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TicketType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Tickets}: lease, Request Count, Usage Limits, Logout, hashed storage; {@link TicketRights} narrowing. */
class TicketsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryObjectStore ticketStore = new InMemoryObjectStore();
    private final Tickets tickets = new Tickets(ticketStore, clock, new SecureRandom(),
            new Tickets.Limits(Duration.ofMinutes(10), Duration.ofHours(1), 5, 3));
    private final Identity alice = new Identity("alice");

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
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
            return now;
        }
    }

    private static Tickets.Terms lease(Duration d) {
        return new Tickets.Terms(Optional.of(d), OptionalInt.empty(), OptionalLong.empty());
    }

    private Tickets.Issued login(Tickets.Terms terms) throws KmipException {
        return tickets.issue(alice, terms, TicketRights.UNRESTRICTED, Optional.empty());
    }

    @Test
    void issue_valueIs32RandomBytes_andRedeemsAsTheIdentity() throws Exception {
        Tickets.Issued a = login(Tickets.Terms.NONE);
        Tickets.Issued b = login(Tickets.Terms.NONE);
        assertThat(a.value()).hasSize(32).isNotEqualTo(b.value()).isNotEqualTo(new byte[32]);
        TicketSession s = tickets.redeem(a.value()).orElseThrow();
        assertThat(s.identity()).isEqualTo(alice);
        assertThat(s.rights()).isEqualTo(TicketRights.UNRESTRICTED);
        assertThat(a.toString()).doesNotContain("value");
    }

    @Test
    void lease_defaultAndCap_andExpiryWithTheClock() throws Exception {
        assertThat(login(Tickets.Terms.NONE).expires()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(login(lease(Duration.ofDays(3))).expires()).isEqualTo(T0.plus(Duration.ofHours(1)));
        Tickets.Issued t = login(lease(Duration.ofSeconds(30)));
        assertThat(t.expires()).isEqualTo(T0.plusSeconds(30));

        clock.advance(Duration.ofSeconds(29));
        assertThat(tickets.redeem(t.value())).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(tickets.redeem(t.value())).isEmpty();
        assertThat(tickets.logout(t.value())).isFalse();
    }

    @Test
    void limitsWithMaxLease_capsTheDefaultLeaseToo() {
        assertThat(Tickets.limitsWithMaxLease(Duration.ofHours(2)))
                .isEqualTo(new Tickets.Limits(Duration.ofHours(1), Duration.ofHours(2), 10_000, 100));
        assertThat(Tickets.limitsWithMaxLease(Duration.ofMinutes(5)))
                .isEqualTo(new Tickets.Limits(Duration.ofMinutes(5), Duration.ofMinutes(5), 10_000, 100));
    }

    @Test
    void lease_notAfter_capsTheLease() throws Exception {
        Tickets.Issued t = tickets.issue(alice, lease(Duration.ofMinutes(50)), TicketRights.UNRESTRICTED,
                Optional.of(T0.plusSeconds(90)));
        assertThat(t.expires()).isEqualTo(T0.plusSeconds(90));
    }

    @Test
    void requestCount_allowsExactlyThatManyRequests() throws Exception {
        Tickets.Issued t = login(new Tickets.Terms(Optional.empty(), OptionalInt.of(2), OptionalLong.empty()));
        assertThat(tickets.redeem(t.value())).isPresent();
        assertThat(tickets.redeem(t.value())).isPresent();
        assertThat(tickets.redeem(t.value())).isEmpty();
        assertThat(tickets.redeem(t.value())).isEmpty();
        assertThat(tickets.live()).isZero();
    }

    @Test
    void usageLimits_countOperationsAcrossRequests_logoutNeverCounted() throws Exception {
        Tickets.Issued t = login(new Tickets.Terms(Optional.empty(), OptionalInt.empty(), OptionalLong.of(2)));
        TicketSession first = tickets.redeem(t.value()).orElseThrow();
        assertThat(first.refusal(Operation.GET)).isEmpty();
        assertThat(first.refusal(Operation.LOGOUT)).isEmpty();
        TicketSession second = tickets.redeem(t.value()).orElseThrow();
        assertThat(second.refusal(Operation.LOCATE)).isEmpty();
        assertThat(second.refusal(Operation.GET).orElseThrow().reason()).isEqualTo(ResultReason.USAGE_LIMIT_EXCEEDED);
        assertThat(second.refusal(Operation.LOGOUT)).isEmpty();
    }

    @Test
    void logout_endsTheTicketOnce() throws Exception {
        Tickets.Issued t = login(Tickets.Terms.NONE);
        Tickets.Issued other = login(Tickets.Terms.NONE);
        assertThat(tickets.logout(t.value())).isTrue();
        assertThat(tickets.redeem(t.value())).isEmpty();
        assertThat(tickets.logout(t.value())).isFalse();
        assertThat(tickets.redeem(other.value())).isPresent();
    }

    @Test
    void redeem_unknownOrAlteredOrShortValue_isRefused() throws Exception {
        byte[] value = login(Tickets.Terms.NONE).value();
        byte[] altered = value.clone();
        altered[31] ^= 1;
        assertThat(tickets.redeem(altered)).isEmpty();
        assertThat(tickets.redeem(new byte[32])).isEmpty();
        assertThat(tickets.redeem(java.util.Arrays.copyOf(value, 31))).isEmpty();
        assertThat(tickets.redeem(new byte[0])).isEmpty();
        assertThat(tickets.redeem(value)).isPresent();
    }

    @Test
    void storedTicket_isTheHashOnly_withItsTermsAndRights() throws Exception {
        Tickets.Issued t = tickets.issue(alice, new Tickets.Terms(Optional.empty(), OptionalInt.of(4), OptionalLong.of(9)),
                DELEGATED, Optional.empty());
        io.keyhold.server.store.StoredTicket stored = ticketStore.read(tx -> tx.ticket(Tickets.sha256(t.value()))).orElseThrow();
        assertThat(stored.identity()).isEqualTo("alice");
        assertThat(stored.expires()).isEqualTo(t.expires());
        assertThat(stored.requestsLeft()).hasValue(4);
        assertThat(stored.operationsLeft()).hasValue(9);
        assertThat(stored.hash()).isNotEqualTo(t.value());
        assertThat(stored.toString()).doesNotContain(java.util.HexFormat.of().formatHex(stored.hash()));
        assertThat(tickets.redeem(t.value()).orElseThrow().rights()).isEqualTo(DELEGATED);
    }

    @Test
    void sameHash_comparesTheWholeHash() {
        byte[] h = Tickets.sha256(new byte[] {1, 2, 3});
        byte[] last = h.clone();
        last[31] ^= (byte) 0x80;
        byte[] first = h.clone();
        first[0] ^= 1;
        assertThat(Tickets.sameHash(h, h.clone())).isTrue();
        assertThat(Tickets.sameHash(h, last)).isFalse();
        assertThat(Tickets.sameHash(h, first)).isFalse();
        assertThat(Tickets.sameHash(h, java.util.Arrays.copyOf(h, 16))).isFalse();
    }

    @Test
    void issue_badTerms_invalidField() {
        for (Tickets.Terms bad : List.of(lease(Duration.ZERO),
                new Tickets.Terms(Optional.empty(), OptionalInt.of(0), OptionalLong.empty()),
                new Tickets.Terms(Optional.empty(), OptionalInt.of(-3), OptionalLong.empty()),
                new Tickets.Terms(Optional.empty(), OptionalInt.empty(), OptionalLong.of(0)))) {
            KmipException e = catchThrowableOfType(KmipException.class, () -> login(bad));
            assertThat(e).as(bad.toString()).isNotNull();
            assertThat(e.reason()).isEqualTo(ResultReason.INVALID_FIELD);
        }
    }

    @Test
    void issue_limits_perIdentityAndTotal_serverLimitExceeded_untilExpired() throws Exception {
        for (int i = 0; i < 3; i++) {
            login(lease(Duration.ofMinutes(1)));
        }
        KmipException own = catchThrowableOfType(KmipException.class, () -> login(Tickets.Terms.NONE));
        assertThat(own.reason()).isEqualTo(ResultReason.SERVER_LIMIT_EXCEEDED);
        tickets.issue(new Identity("bob"), Tickets.Terms.NONE, TicketRights.UNRESTRICTED, Optional.empty());
        tickets.issue(new Identity("carol"), Tickets.Terms.NONE, TicketRights.UNRESTRICTED, Optional.empty());
        KmipException all = catchThrowableOfType(KmipException.class,
                () -> tickets.issue(new Identity("dave"), Tickets.Terms.NONE, TicketRights.UNRESTRICTED, Optional.empty()));
        assertThat(all.reason()).isEqualTo(ResultReason.SERVER_LIMIT_EXCEEDED);
        clock.advance(Duration.ofMinutes(1));
        assertThat(tickets.live()).isEqualTo(2);
        login(Tickets.Terms.NONE);
    }

    @Test
    void ticketStructure_roundTrips_andOnlyTicketTypeLoginIsRead() {
        byte[] v = new byte[32];
        v[0] = 7;
        assertThat(Tickets.ticketValue(Tickets.ticket(v))).hasValueSatisfying(x -> assertThat(x).isEqualTo(v));
        assertThat(Tickets.ticket(v).child(Tag.TICKET_TYPE).orElseThrow().enumValue()).isEqualTo(TicketType.LOGIN.value());
        assertThat(Tickets.ticketValue(TtlvItem.structure(Tag.TICKET, TtlvItem.enumeration(Tag.TICKET_TYPE, 2),
                TtlvItem.bytes(Tag.TICKET_VALUE, v)))).isEmpty();
        assertThat(Tickets.ticketValue(TtlvItem.structure(Tag.TICKET, TtlvItem.bytes(Tag.TICKET_VALUE, v)))).isEmpty();
        assertThat(Tickets.ticketValue(TtlvItem.structure(Tag.CREDENTIAL_VALUE, Tickets.ticket(v).children()))).isEmpty();
    }

    // ---- delegated rights

    private final StoredObject k1 = key("k1", "alice", State.ACTIVE);
    private final StoredObject finance = key("k2", "alice", State.ACTIVE,
            attr("Object Group", TtlvItem.text(Tag.OBJECT_GROUP, "finance")));
    private final StoredObject other = key("k3", "alice", State.ACTIVE);

    private static final TicketRights DELEGATED = new TicketRights(List.of(
            new TicketRights.Right(Set.of(Operation.GET), Set.of("k1"), Set.of()),
            new TicketRights.Right(Set.of(Operation.ENCRYPT, Operation.DECRYPT), Set.of(), Set.of("finance"))));

    @Test
    void rights_operationAllowedWhenSomeRightListsIt() {
        assertThat(DELEGATED.restricted()).isTrue();
        assertThat(DELEGATED.allows(Operation.GET)).isTrue();
        assertThat(DELEGATED.allows(Operation.DECRYPT)).isTrue();
        assertThat(DELEGATED.allows(Operation.DESTROY)).isFalse();
        assertThat(TicketRights.UNRESTRICTED.allows(Operation.DESTROY)).isTrue();
    }

    @Test
    void rights_objectAllowedOnlyWithAnOperationOfTheSameRight() {
        assertThat(DELEGATED.allows(Optional.of(Operation.GET), k1)).isTrue();
        assertThat(DELEGATED.allows(Optional.of(Operation.ENCRYPT), k1)).isFalse();
        assertThat(DELEGATED.allows(Optional.of(Operation.ENCRYPT), finance)).isTrue();
        assertThat(DELEGATED.allows(Optional.of(Operation.GET), finance)).isFalse();
        assertThat(DELEGATED.allows(Optional.of(Operation.GET), other)).isFalse();
        assertThat(DELEGATED.allows(Optional.empty(), k1)).isFalse();
        TicketRights everyOperation = new TicketRights(List.of(new TicketRights.Right(Set.of(), Set.of("k1"), Set.of())));
        assertThat(everyOperation.allows(Optional.of(Operation.DESTROY), k1)).isTrue();
        assertThat(everyOperation.allows(Optional.empty(), k1)).isTrue();
        assertThat(everyOperation.allows(Optional.of(Operation.DESTROY), other)).isFalse();
    }

    @Test
    void accessPolicyWithin_isTheIntersectionOfIdentityAndTicket() throws Exception {
        InMemoryObjectStore store = new InMemoryObjectStore();
        StoredObject bobs = key("b1", "bob", State.ACTIVE);
        store.write(tx -> {
            tx.insert(k1);
            tx.insert(bobs);
            return null;
        });
        AccessPolicy base = AccessPolicy.DEFAULT;
        TicketRights bobsKey = new TicketRights(List.of(new TicketRights.Right(Set.of(Operation.GET), Set.of("b1", "k1"), Set.of())));
        AccessPolicy narrowed = base.within(bobsKey);
        assertThat(base.within(TicketRights.UNRESTRICTED)).isSameAs(base);
        store.read(tx -> {
            // the ticket names bob's key, but alice may not use it: the ticket adds nothing
            assertThat(narrowed.permits(alice, Optional.of(Operation.GET), bobs, tx)).isFalse();
            assertThat(narrowed.permits(alice, Optional.of(Operation.GET), k1, tx)).isTrue();
            assertThat(narrowed.permits(alice, Optional.of(Operation.DESTROY), k1, tx)).isFalse();
            assertThat(base.permits(alice, Optional.of(Operation.DESTROY), k1, tx)).isTrue();
            return null;
        });
    }

    @Test
    void delegatedSession_refusesOperationsOutsideItsRights_withPermissionDenied() throws Exception {
        Tickets.Issued t = tickets.issue(alice, Tickets.Terms.NONE, DELEGATED, Optional.empty());
        TicketSession s = tickets.redeem(t.value()).orElseThrow();
        assertThat(s.rights()).isEqualTo(DELEGATED);
        assertThat(s.refusal(Operation.GET)).isEmpty();
        assertThat(s.refusal(Operation.DESTROY).orElseThrow().reason()).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(s.refusal(Operation.LOGOUT)).isEmpty();
    }
}
