package io.keyhold.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.RetiredCredential;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a replaced certificate may still do, and how a node learns of one retired by another. */
class RetiredCredentialsTest {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static LinkCredential current;
    private static LinkCredential other;

    private final TicketsTest.MutableClock clock = new TicketsTest.MutableClock(T0);
    private final InMemoryObjectStore store = new InMemoryObjectStore();

    @BeforeAll
    static void certificates() throws Exception {
        current = LinkCredential.of(List.of(certificate("CN=client1")));
        other = LinkCredential.of(List.of(certificate("CN=client2")));
    }

    private RetiredCredential retirement(LinkCredential c, Duration window, String... replacements) {
        return new RetiredCredential(c.fingerprint(), "client1", clock.instant(), clock.instant().plus(window),
                List.of(replacements));
    }

    @Test
    void aRetiredCertificateMayOnlyFetchItsReplacementWithinTheWindow() {
        RetiredCredentials retired = new RetiredCredentials(store, clock);
        retired.load();
        assertThat(retired.refusal(current, Operation.CREATE, null)).isEmpty();
        retired.retired(retirement(current, Duration.ofMinutes(10), "cert-1", "key-1"));

        assertThat(retired.refusal(current, Operation.GET, payload("cert-1"))).isEmpty();
        assertThat(retired.refusal(current, Operation.GET_ATTRIBUTES, payload("key-1"))).isEmpty();
        assertThat(retired.refusal(current, Operation.GET_ATTRIBUTE_LIST, payload("cert-1"))).isEmpty();
        assertDenied(retired.refusal(current, Operation.GET, payload("something-else")));
        assertDenied(retired.refusal(current, Operation.GET, null));
        assertDenied(retired.refusal(current, Operation.DESTROY, payload("cert-1")));
        assertDenied(retired.refusal(current, Operation.QUERY, null));
        assertThat(retired.refusedAtHandshake(current)).isFalse();
        assertThat(retired.refusal(other, Operation.CREATE, null)).isEmpty();
        assertThat(retired.refusal(null, Operation.CREATE, null)).as("no certificate, nothing to refuse").isEmpty();

        clock.advance(Duration.ofMinutes(10));
        assertDenied(retired.refusal(current, Operation.GET, payload("cert-1")));
        assertThat(retired.refusedAtHandshake(current)).isTrue();
        assertThat(retired.refusedAtHandshake(other)).isFalse();
    }

    @Test
    void aNodeLearnsOfARetirementCommittedByAnotherWithinTheRefreshInterval() throws Exception {
        RetiredCredentials here = new RetiredCredentials(store, clock);
        here.load();
        assertThat(here.find(current)).isEmpty();
        store.write(tx -> tx.insertRetiredCredential(retirement(current, Duration.ZERO, "cert-1")));

        // the copy in memory stays as it was until it is a refresh interval old, then the store is read
        long deadline = System.nanoTime() + RetiredCredentials.REFRESH.toNanos() * 5;
        Optional<RetiredCredential> seen = here.find(current);
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = here.find(current);
        }
        assertThat(seen).hasValueSatisfying(r -> assertThat(r.replacements()).containsExactly("cert-1"));
        assertThat(here.refusedAtHandshake(current)).isTrue();

        RetiredCredentials restarted = new RetiredCredentials(store, clock);
        restarted.load();
        assertThat(restarted.refusedAtHandshake(current)).as("known from the store at start-up").isTrue();
    }

    private static TtlvItem payload(String uniqueIdentifier) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uniqueIdentifier));
    }

    private static void assertDenied(Optional<KmipException> refusal) {
        assertThat(refusal).hasValueSatisfying(e -> {
            assertThat(e.reason()).isEqualTo(ResultReason.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains("replaced by Re-Provision");
        });
    }

    private static X509Certificate certificate(String subject) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        X500Name name = new X500Name(subject);
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(T0.minusSeconds(60)), Date.from(T0.plus(Duration.ofDays(1))), name, pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }
}
