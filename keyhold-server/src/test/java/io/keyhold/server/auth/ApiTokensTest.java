package io.keyhold.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.store.ApiToken;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import io.keyhold.server.testing.LogCapture;
import io.keyhold.server.testing.SecretScanner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ApiTokens}: issuing, authenticating, listing and revoking the API tokens of the HTTPS listener. */
class ApiTokensTest {
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final ApiTokens tokens = new ApiTokens(store, clock);
    private final Identity alice = new Identity("alice");
    private final Actor operator = new Actor.Operator("ops");

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

    private static TicketRights scope(Set<Operation> ops, Set<String> objects, Set<String> groups) {
        return new TicketRights(List.of(new TicketRights.Right(ops, objects, groups)));
    }

    private static String secretOf(ApiTokens.Issued issued) {
        return issued.token().substring(("kh_" + issued.id() + "_").length());
    }

    private List<AuditEvent> records() {
        return store.auditRecords().stream().map(AuditRecord::event).toList();
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    private static KmipException failure(ThrowingCall call) {
        KmipException e = catchThrowableOfType(KmipException.class, call::run);
        assertThat(e).as("expected a KmipException").isNotNull();
        return e;
    }

    @Test
    void create_thenAuthenticate_givesTheIdentityScopeAndExpiry() throws Exception {
        TicketRights scope = scope(Set.of(Operation.GET, Operation.ENCRYPT), Set.of("k1"), Set.of("finance"));
        Instant expires = T0.plus(Duration.ofDays(30));
        ApiTokens.Issued issued = tokens.create(operator, alice, scope, expires, "backup job");

        assertThat(issued.id()).matches("[0-9a-f]{16}");
        assertThat(issued.token()).matches("kh_[0-9a-f]{16}_[A-Za-z0-9_-]{43}").startsWith("kh_" + issued.id() + "_");
        assertThat(Base64.getUrlDecoder().decode(secretOf(issued))).hasSize(32);
        assertThat(issued.expires()).isEqualTo(expires);
        assertThat(issued.toString()).doesNotContain(secretOf(issued));

        ApiTokens.Bearer bearer = tokens.authenticate(issued.token()).orElseThrow();
        assertThat(bearer).isEqualTo(new ApiTokens.Bearer(issued.id(), alice, scope, expires));
        assertThat(bearer.scope().allows(Operation.GET)).isTrue();
        assertThat(bearer.scope().allows(Operation.DESTROY)).isFalse();
    }

    @Test
    void unrestrictedScope_andNoExpiry_roundTrip() throws Exception {
        ApiTokens.Issued issued = tokens.create(alice, TicketRights.UNRESTRICTED, null, null);
        assertThat(issued.expires()).isNull();
        clock.advance(Duration.ofDays(3650));
        ApiTokens.Bearer bearer = tokens.authenticate(issued.token()).orElseThrow();
        assertThat(bearer.scope()).isEqualTo(TicketRights.UNRESTRICTED);
        assertThat(bearer.scope().restricted()).isFalse();
        assertThat(bearer.expires()).isNull();
    }

    @Test
    void everyTokenIsDifferent() throws Exception {
        Set<String> ids = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ApiTokens.Issued issued = tokens.create(alice, TicketRights.UNRESTRICTED, null, "");
            ids.add(issued.id());
            secrets.add(secretOf(issued));
        }
        assertThat(ids).hasSize(20);
        assertThat(secrets).hasSize(20);
    }

    @Test
    void wrongSecret_isRefused() throws Exception {
        ApiTokens.Issued issued = tokens.create(alice, TicketRights.UNRESTRICTED, null, "");
        String secret = secretOf(issued);
        char flipped = secret.charAt(10) == 'A' ? 'B' : 'A';
        String altered = "kh_" + issued.id() + "_" + secret.substring(0, 10) + flipped + secret.substring(11);
        assertThat(tokens.authenticate(altered)).isEmpty();
        ApiTokens.Issued other = tokens.create(alice, TicketRights.UNRESTRICTED, null, "");
        // another token's secret with this token's id
        assertThat(tokens.authenticate("kh_" + issued.id() + "_" + secretOf(other))).isEmpty();
        assertThat(tokens.authenticate(issued.token())).isPresent();
    }

    @Test
    void malformedOrUnknown_isRefused() throws Exception {
        ApiTokens.Issued issued = tokens.create(alice, TicketRights.UNRESTRICTED, null, "");
        String secret = secretOf(issued);
        for (String bad : new String[] {null, "", "kh_", "kh_" + issued.id(), "kh_" + issued.id() + "_",
                issued.token().substring(3), "KH_" + issued.token().substring(3), issued.token() + "x",
                issued.token().substring(0, issued.token().length() - 1), " " + issued.token(), issued.token() + " ",
                "kh_" + issued.id().toUpperCase() + "_" + secret, "kh_" + issued.id() + "_" + secret.replace(secret.charAt(0), '+'),
                "kh_" + issued.id() + "__" + secret, "kh_0123456789abcdef_" + secret, "x".repeat(100_000)}) {
            assertThat(tokens.authenticate(bad)).as(String.valueOf(bad).length() > 80 ? "long" : String.valueOf(bad)).isEmpty();
        }
        assertThat(tokens.authenticate(issued.token())).isPresent();
    }

    @Test
    void expired_isRefused_fromTheExpirySecondOn() throws Exception {
        ApiTokens.Issued issued = tokens.create(alice, TicketRights.UNRESTRICTED, T0.plusSeconds(3600), "");
        clock.advance(Duration.ofSeconds(3599));
        assertThat(tokens.authenticate(issued.token())).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.authenticate(issued.token())).isEmpty();
        assertThat(tokens.list()).singleElement().satisfies(t -> assertThat(t.status(clock.instant())).isEqualTo("expired"));
    }

    @Test
    void expiryNotInTheFuture_isInvalidField() {
        assertThat(failure(() -> tokens.create(alice, TicketRights.UNRESTRICTED, T0, "")).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(failure(() -> tokens.create(alice, TicketRights.UNRESTRICTED, T0.minusSeconds(1), "")).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(store.auditRecords()).isEmpty();
    }

    @Test
    void badIdentityOrDescription_isInvalidField_andStoresNothing() throws Exception {
        assertThat(failure(() -> tokens.create(new Identity(" alice"), TicketRights.UNRESTRICTED, null, "")).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(failure(() -> tokens.create(new Identity("a\nb"), TicketRights.UNRESTRICTED, null, "")).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(failure(() -> tokens.create(alice, TicketRights.UNRESTRICTED, null, "x".repeat(257))).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(failure(() -> tokens.create(alice, TicketRights.UNRESTRICTED, null, "line\u0007")).reason())
                .isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(tokens.list()).isEmpty();
    }

    @Test
    void revoked_isRefusedAtTheNextRequest_andRevokingAgainIsFalse() throws Exception {
        ApiTokens.Issued issued = tokens.create(alice, TicketRights.UNRESTRICTED, null, "");
        ApiTokens.Issued kept = tokens.create(alice, TicketRights.UNRESTRICTED, null, "");
        assertThat(tokens.authenticate(issued.token())).isPresent();
        clock.advance(Duration.ofSeconds(5));
        assertThat(tokens.revoke(operator, issued.id())).isTrue();
        assertThat(tokens.authenticate(issued.token())).isEmpty();
        assertThat(tokens.authenticate(kept.token())).isPresent();
        assertThat(tokens.revoke(operator, issued.id())).isFalse();
        assertThat(tokens.revoke(operator, "0000000000000000")).isFalse();
        assertThat(tokens.revoke(operator, "not an id")).isFalse();
        ApiTokens.TokenInfo info = tokens.list().stream().filter(t -> t.id().equals(issued.id())).findFirst().orElseThrow();
        assertThat(info.revoked()).isEqualTo(T0.plusSeconds(5));
        assertThat(info.status(clock.instant())).isEqualTo("revoked");
    }

    @Test
    void revokedByAnotherInstance_overTheSameStore_isRefusedAtOnce() throws Exception {
        ApiTokens.Issued issued = tokens.create(alice, TicketRights.UNRESTRICTED, null, "");
        assertThat(tokens.authenticate(issued.token())).isPresent();
        assertThat(new ApiTokens(store, clock).revoke(issued.id())).isTrue();
        assertThat(tokens.authenticate(issued.token())).isEmpty();
    }

    @Test
    void secret_isNeverStoredInClear_onlyItsSha256() throws Exception {
        ApiTokens.Issued issued = tokens.create(alice, scope(Set.of(Operation.GET), Set.of(), Set.of()), null, "ci");
        String secret = secretOf(issued);
        List<ApiToken> raw = store.read(tx -> tx.apiTokens());
        assertThat(raw).hasSize(1);
        ApiToken row = raw.get(0);
        assertThat(row.secretHash()).isEqualTo(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.US_ASCII)));
        String everything = row.id() + "|" + row.identity() + "|" + row.scope() + "|" + row.description() + "|"
                + new String(row.secretHash(), StandardCharsets.ISO_8859_1) + "|" + row;
        SecretScanner scanner = new SecretScanner().add("token", issued.token()).add("secret", secret)
                .add("secret bytes", Base64.getUrlDecoder().decode(secret));
        assertThat(scanner.scan("stored token", everything)).isEmpty();
        assertThat(scanner.scan("audit records", records().toString())).isEmpty();
        assertThat(tokens.list().toString()).doesNotContain(secret);
    }

    @Test
    void tokens_neverReachTheLog() throws Exception {
        try (LogCapture log = new LogCapture()) {
            ApiTokens.Issued issued = tokens.create(operator, alice, TicketRights.UNRESTRICTED, null, "");
            tokens.authenticate(issued.token());
            tokens.authenticate(issued.token() + "x");
            tokens.revoke(operator, issued.id());
            tokens.authenticate(issued.token());
            SecretScanner scanner = new SecretScanner().add("secret", secretOf(issued));
            assertThat(scanner.scan("log", String.join("\n", log.lines()))).isEmpty();
            assertThat(log.lines()).anyMatch(l -> l.contains("API token " + issued.id() + " issued for identity alice"));
        }
    }

    @Test
    void list_showsEveryTokenWithoutSecrets() throws Exception {
        TicketRights scope = scope(Set.of(Operation.GET), Set.of("k1"), Set.of());
        ApiTokens.Issued a = tokens.create(alice, scope, T0.plusSeconds(60), "first");
        clock.advance(Duration.ofSeconds(1));
        ApiTokens.Issued b = tokens.create(new Identity("bob"), TicketRights.UNRESTRICTED, null, "second");
        List<ApiTokens.TokenInfo> list = tokens.list();
        assertThat(list).extracting(ApiTokens.TokenInfo::id).containsExactly(a.id(), b.id());
        ApiTokens.TokenInfo first = list.get(0);
        assertThat(first.identity()).isEqualTo(alice);
        assertThat(first.scope()).isEqualTo(scope);
        assertThat(first.description()).isEqualTo("first");
        assertThat(first.created()).isEqualTo(T0);
        assertThat(first.expires()).isEqualTo(T0.plusSeconds(60));
        assertThat(first.status(clock.instant())).isEqualTo("active");
        assertThat(list.get(1).identity()).isEqualTo(new Identity("bob"));
        assertThat(list.get(1).expires()).isNull();
    }

    @Test
    void lastUse_isRecorded_atMostOncePerMinute() throws Exception {
        ApiTokens.Issued issued = tokens.create(alice, TicketRights.UNRESTRICTED, null, "");
        assertThat(tokens.list().get(0).lastUsed()).isNull();
        clock.advance(Duration.ofSeconds(10));
        tokens.authenticate(issued.token());
        assertThat(tokens.list().get(0).lastUsed()).isEqualTo(T0.plusSeconds(10));
        clock.advance(Duration.ofSeconds(30));
        tokens.authenticate(issued.token());
        assertThat(tokens.list().get(0).lastUsed()).isEqualTo(T0.plusSeconds(10));
        clock.advance(Duration.ofSeconds(30));
        tokens.authenticate(issued.token());
        assertThat(tokens.list().get(0).lastUsed()).isEqualTo(T0.plusSeconds(70));
        tokens.authenticate(issued.token() + "x"); // a refused token is no use
        assertThat(tokens.list().get(0).lastUsed()).isEqualTo(T0.plusSeconds(70));
    }

    @Test
    void createAndRevoke_eachLeaveOneAuditRecord_refusalsNone() throws Exception {
        ApiTokens.Issued issued = tokens.create(operator, alice, scope(Set.of(Operation.GET), Set.of("k1"), Set.of()),
                T0.plusSeconds(3600), "ci");
        tokens.revoke(operator, issued.id());
        tokens.revoke(operator, issued.id());
        assertThat(records()).hasSize(2);
        AuditEvent created = records().get(0);
        assertThat(created.identity()).isEqualTo("operator ops");
        assertThat(created.sourceAddress()).isEqualTo("local");
        assertThat(created.operation()).isEqualTo("Create API Token");
        assertThat(created.resultStatus()).isEqualTo("Success");
        assertThat(created.detail()).isEqualTo("API token " + issued.id() + " issued for identity alice (scope: Get on objects k1; "
                + "expires 2026-06-01T13:00:00Z)");
        AuditEvent revoked = records().get(1);
        assertThat(revoked.operation()).isEqualTo("Revoke API Token");
        assertThat(revoked.detail()).isEqualTo("API token " + issued.id() + " of identity alice revoked");
    }

    @Test
    void clientActor_isRecordedWithItsAddress() throws Exception {
        tokens.create(new Actor.Client(new Identity("root"), "127.0.0.1:4242"), alice, TicketRights.UNRESTRICTED, null, "");
        assertThat(records()).singleElement().satisfies(e -> {
            assertThat(e.identity()).isEqualTo("client root");
            assertThat(e.sourceAddress()).isEqualTo("127.0.0.1:4242");
            assertThat(e.detail()).endsWith("(no scope restriction; no expiry)");
        });
    }

    @Test
    void scope_encodingRoundTrips_andUnreadableScopeIsRefused() throws Exception {
        TicketRights two = new TicketRights(List.of(
                new TicketRights.Right(Set.of(Operation.GET, Operation.GET_ATTRIBUTES), Set.of("a", "b"), Set.of()),
                new TicketRights.Right(Set.of(), Set.of(), Set.of("g"))));
        assertThat(ApiTokens.decodeScope(ApiTokens.encodeScope(two))).isEqualTo(two);
        assertThat(ApiTokens.encodeScope(TicketRights.UNRESTRICTED)).isEqualTo("{\"rights\":[]}");

        ApiTokens.Issued issued = tokens.create(alice, two, null, "");
        byte[] hash = store.read(tx -> tx.apiToken(issued.id())).orElseThrow().secretHash();
        // a token whose stored scope cannot be read must not work as an unrestricted one
        InMemoryObjectStore other = new InMemoryObjectStore();
        other.write(tx -> {
            tx.insertApiToken(new ApiToken(issued.id(), "alice", hash, "{\"rights\":[{\"operations\":[\"Frobnicate\"],"
                    + "\"objects\":[],\"groups\":[]}]}", "", T0, null, null, null));
            return null;
        });
        assertThat(new ApiTokens(other, clock).authenticate(issued.token())).isEmpty();
        assertThat(tokens.authenticate(issued.token())).isPresent();
    }
}
