package io.keyhold.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API tokens of {@link ReadTransaction} and {@link WriteTransaction}, the same in every
 * {@link ObjectStore}: each store's test subclasses this with a fresh, empty store.
 */
public abstract class ApiTokenStoreContract {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

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

    static ApiToken token(String id, String identity, Instant created, Instant expires) {
        return new ApiToken(id, identity, new byte[] {1, 2, (byte) id.hashCode()}, "{\"rights\":[]}", "note " + id,
                created, expires, null, null);
    }

    private void insert(ApiToken... tokens) throws KmipException {
        store.write(tx -> {
            for (ApiToken t : tokens) {
                tx.insertApiToken(t);
            }
            return null;
        });
    }

    @Test
    void insert_thenRead_returnsEveryField() throws Exception {
        ApiToken t = new ApiToken("00aa", "alice", new byte[] {9, 8, 7, 0, -1}, "{\"rights\":[{\"operations\":[\"Get\"]}]}",
                "backup job", T0, T0.plusSeconds(3600), null, null);
        insert(t);
        ApiToken read = get("00aa").orElseThrow();
        assertThat(read).isEqualTo(t);
        assertThat(read.secretHash()).containsExactly(9, 8, 7, 0, -1);
        assertThat(read.expires()).isEqualTo(T0.plusSeconds(3600));
        assertThat(read.revoked()).isNull();
        assertThat(read.lastUsed()).isNull();
        assertThat(get("00ab")).isEmpty();
    }

    @Test
    void noExpiry_isKeptAsNull() throws Exception {
        insert(token("01", "bob", T0, null));
        assertThat(get("01").orElseThrow().expires()).isNull();
    }

    @Test
    void list_isOrderedByCreation_thenId() throws Exception {
        insert(token("c", "alice", T0.plusSeconds(5), null), token("b", "bob", T0, null), token("a", "carol", T0, null));
        assertThat(readAll()).extracting(ApiToken::id).containsExactly("a", "b", "c");
    }

    @Test
    void insert_existingId_isAStoreException_andTheFirstStays() throws Exception {
        insert(token("dup", "alice", T0, null));
        assertThatThrownBy(() -> insert(token("dup", "mallory", T0, null))).isInstanceOf(StoreException.class)
                .hasMessageContaining("dup");
        assertThat(get("dup").orElseThrow().identity()).isEqualTo("alice");
    }

    @Test
    void revoke_setsTheTimeOnce_unknownIsFalse() throws Exception {
        insert(token("r", "alice", T0, null));
        long at = T0.plusSeconds(60).getEpochSecond();
        assertThat(revoke("r", at)).isTrue();
        assertThat(revoke("r", at + 10)).isFalse();
        assertThat(revoke("none", at)).isFalse();
        ApiToken read = get("r").orElseThrow();
        assertThat(read.revoked()).isEqualTo(Instant.ofEpochSecond(at));
        assertThat(readAll()).hasSize(1); // a revoked token stays listed
    }

    @Test
    void used_recordsTheLastUse() throws Exception {
        insert(token("u", "alice", T0, null));
        assertThat(used("u", T0.getEpochSecond() + 5)).isTrue();
        assertThat(used("u", T0.getEpochSecond() + 90)).isTrue();
        assertThat(used("none", 1)).isFalse();
        assertThat(get("u").orElseThrow().lastUsed()).isEqualTo(T0.plusSeconds(90));
    }

    @Test
    void failedWrite_storesNoToken() {
        assertThatThrownBy(() -> store.write(tx -> {
            tx.insertApiToken(token("gone", "alice", T0, null));
            throw new IllegalStateException("work fails");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(readAll()).isEmpty();
    }

    private java.util.Optional<ApiToken> get(String id) throws KmipException {
        return store.read(tx -> tx.apiToken(id));
    }

    private boolean revoke(String id, long at) throws KmipException {
        return store.write(tx -> tx.revokeApiToken(id, at));
    }

    private boolean used(String id, long at) throws KmipException {
        return store.write(tx -> tx.apiTokenUsed(id, at));
    }

    private List<ApiToken> readAll() {
        try {
            return store.read(tx -> tx.apiTokens());
        } catch (KmipException e) {
            throw new AssertionError(e);
        }
    }
}
