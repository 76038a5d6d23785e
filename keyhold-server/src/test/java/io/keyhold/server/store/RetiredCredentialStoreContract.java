package io.keyhold.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retired client credentials of {@link ReadTransaction} and {@link WriteTransaction} (Re-Provision), the
 * same in every {@link ObjectStore}: each store's test subclasses this with a fresh, empty store.
 */
public abstract class RetiredCredentialStoreContract {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    protected ObjectStore store;

    protected abstract ObjectStore newStore() throws Exception;

    /** A second store on the same database (another node), or null when the store cannot be shared. */
    protected abstract ObjectStore sameDatabase() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** A fingerprint as the server writes one: 64 lowercase hex digits, here {@code c} repeated. */
    protected static String fingerprint(char c) {
        return String.valueOf(c).repeat(64);
    }

    protected static RetiredCredential credential(char fingerprint, String identity, Instant retiredAt,
                                                  String... replacements) {
        return new RetiredCredential(fingerprint(fingerprint), identity, retiredAt, retiredAt.plusSeconds(3600),
                List.of(replacements));
    }

    protected boolean insert(RetiredCredential credential) throws KmipException {
        return store.write(tx -> tx.insertRetiredCredential(credential));
    }

    protected Optional<RetiredCredential> get(String fingerprint) throws KmipException {
        return store.read(tx -> tx.retiredCredential(fingerprint));
    }

    protected List<RetiredCredential> since(Instant from) throws KmipException {
        return store.read(tx -> tx.retiredCredentialsSince(from));
    }

    @Test
    void insert_thenRead_returnsEveryField_andTheReplacementsInOrder() throws Exception {
        RetiredCredential c = new RetiredCredential(fingerprint('a'), "client1", T0, T0.plusSeconds(86_400),
                List.of("cert-9", "priv-2", "pub-1"));
        assertThat(insert(c)).isTrue();
        RetiredCredential read = get(fingerprint('a')).orElseThrow();
        assertThat(read).isEqualTo(c);
        assertThat(read.identity()).isEqualTo("client1");
        assertThat(read.retiredAt()).isEqualTo(T0);
        assertThat(read.retrievableUntil()).isEqualTo(T0.plusSeconds(86_400));
        assertThat(read.replacements()).containsExactly("cert-9", "priv-2", "pub-1");
    }

    @Test
    void noReplacements_isReadBackAsAnEmptyList() throws Exception {
        assertThat(insert(credential('b', "client2", T0))).isTrue();
        RetiredCredential read = get(fingerprint('b')).orElseThrow();
        assertThat(read.replacements()).isEmpty();
        assertThat(read).isEqualTo(credential('b', "client2", T0));
    }

    @Test
    void replacementIdentifiers_ofAnyText_roundTripExactly() throws Exception {
        List<String> awkward = List.of("with space", "a,b,c", "", "quote \" and ' [x] {y}", " ", "line\nbreak",
                "tab\there", "ünïcødé 鍵 🔑", "\\escaped\\", "a,b,c", "null", "cert-1;DROP TABLE x");
        RetiredCredential c = new RetiredCredential(fingerprint('c'), "client with, comma", T0, T0, awkward);
        assertThat(insert(c)).isTrue();
        RetiredCredential read = get(fingerprint('c')).orElseThrow();
        assertThat(read.replacements()).containsExactlyElementsOf(awkward);
        assertThat(read.identity()).isEqualTo("client with, comma");
        assertThat(since(T0)).containsExactly(c);
    }

    @Test
    void insert_existingFingerprint_isFalse_andTheFirstStaysUnchanged() throws Exception {
        RetiredCredential first = credential('d', "alice", T0, "cert-1", "key-1");
        assertThat(insert(first)).isTrue();
        RetiredCredential second = new RetiredCredential(fingerprint('d'), "mallory", T0.plusSeconds(5),
                T0.plusSeconds(999_999), List.of("other-cert"));
        assertThat(insert(second)).isFalse();
        RetiredCredential noReplacements = new RetiredCredential(fingerprint('d'), "mallory", T0, T0, List.of());
        assertThat(insert(noReplacements)).isFalse();
        assertThat(get(fingerprint('d'))).contains(first);
        assertThat(since(Instant.EPOCH)).containsExactly(first);
    }

    @Test
    void insert_existingFingerprint_inTheSameWrite_isFalse() throws Exception {
        RetiredCredential first = credential('e', "alice", T0, "cert-1");
        boolean[] results = store.write(tx -> new boolean[] {tx.insertRetiredCredential(first),
                tx.insertRetiredCredential(credential('e', "bob", T0.plusSeconds(1), "cert-2", "key-2"))});
        assertThat(results).containsExactly(true, false);
        assertThat(get(fingerprint('e'))).contains(first);
    }

    @Test
    void missingFingerprint_isEmpty() throws Exception {
        assertThat(get(fingerprint('f'))).isEmpty();
        insert(credential('a', "alice", T0, "cert-1"));
        assertThat(get(fingerprint('f'))).isEmpty();
        assertThat(get(fingerprint('a').toUpperCase())).as("fingerprints are compared exactly").isEmpty();
        assertThat(get("")).isEmpty();
    }

    @Test
    void since_isOrderedByRetirementTime_thenFingerprint_andIncludesItsBound() throws Exception {
        RetiredCredential late = credential('1', "alice", T0.plusSeconds(20), "c-late");
        RetiredCredential sameSecondB = credential('b', "bob", T0.plusSeconds(10), "c-b1", "c-b2");
        RetiredCredential sameSecondA = credential('a', "carol", T0.plusSeconds(10));
        RetiredCredential early = credential('f', "dave", T0, "c-early");
        store.write(tx -> {
            tx.insertRetiredCredential(late);
            tx.insertRetiredCredential(sameSecondB);
            return null;
        });
        insert(early);
        insert(sameSecondA);

        assertThat(since(Instant.EPOCH)).containsExactly(early, sameSecondA, sameSecondB, late);
        assertThat(since(T0)).containsExactly(early, sameSecondA, sameSecondB, late);
        assertThat(since(T0.plusSeconds(1))).containsExactly(sameSecondA, sameSecondB, late);
        assertThat(since(T0.plusSeconds(10))).as("the bound is included").containsExactly(sameSecondA, sameSecondB, late);
        assertThat(since(T0.plusSeconds(10).plusMillis(1))).as("stored seconds compared exactly").containsExactly(late);
        assertThat(since(T0.plusSeconds(20))).containsExactly(late);
        assertThat(since(T0.plusSeconds(21))).isEmpty();
    }

    @Test
    void times_areKeptInWholeSeconds() throws Exception {
        RetiredCredential c = new RetiredCredential(fingerprint('9'), "alice", T0.plusMillis(750),
                T0.plusSeconds(60).plusNanos(1), List.of("cert-1"));
        insert(c);
        RetiredCredential read = get(fingerprint('9')).orElseThrow();
        assertThat(read.retiredAt()).isEqualTo(T0);
        assertThat(read.retrievableUntil()).isEqualTo(T0.plusSeconds(60));
        assertThat(since(T0)).containsExactly(read);
        assertThat(since(T0.plusMillis(750))).isEmpty();
    }

    @Test
    void failedWrite_recordsNothing() throws Exception {
        assertThatThrownBy(() -> store.write(tx -> {
            tx.insertRetiredCredential(credential('0', "alice", T0, "cert-1", "key-1"));
            throw new IllegalStateException("work fails");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(get(fingerprint('0'))).isEmpty();
        assertThat(since(Instant.EPOCH)).isEmpty();
        RetiredCredential again = credential('0', "bob", T0, "cert-2");
        assertThat(insert(again)).as("the rolled-back insert left no trace").isTrue();
        assertThat(get(fingerprint('0'))).contains(again);
    }

    @Test
    void aCredentialRetiredByOneNode_isSeenByAnother() throws Exception {
        try (ObjectStore other = sameDatabase()) {
            if (other == null) {
                return;
            }
            RetiredCredential c = credential('7', "alice", T0, "cert-1", "key-1", "key-2");
            assertThat((boolean) other.write(tx -> tx.insertRetiredCredential(c))).isTrue();
            assertThat(get(fingerprint('7'))).contains(c);
            assertThat(since(T0)).containsExactly(c);
            assertThat(insert(credential('7', "bob", T0.plusSeconds(1)))).isFalse();
            Optional<RetiredCredential> seenByOther = other.read(tx -> tx.retiredCredential(fingerprint('7')));
            assertThat(seenByOther).contains(c);
        }
    }
}
