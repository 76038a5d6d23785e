package io.keyhold.server.auth;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.RetiredCredential;
import io.keyhold.server.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client certificates that Re-Provision replaced, as this node knows them. The store keeps them, so
 * every node sharing it refuses them; this class keeps them in memory too, read again from the store at
 * most once every {@link #REFRESH} when a request is checked, so that a request costs one map lookup. A
 * certificate retired on this node is known here at once; one retired on another node, within
 * {@link #REFRESH} of that node's commit.
 *
 * <p>A replaced certificate keeps one right for a while (its {@link RetiredCredential#retrievableUntil}):
 * Get, Get Attributes and Get Attribute List of the objects of its replacement, so that the client can
 * fetch the certificate (and the private key the server made) that Re-Provision named. Everything else it
 * sends is refused, and once that while is over the TLS listeners refuse it at the handshake.
 */
public final class RetiredCredentials {
    /** How stale the copy in memory may be when a request is checked. */
    public static final Duration REFRESH = Duration.ofSeconds(1);
    private static final Set<Operation> RETRIEVAL = Set.of(Operation.GET, Operation.GET_ATTRIBUTES,
            Operation.GET_ATTRIBUTE_LIST);

    private final ObjectStore store;
    private final Clock clock;
    private final Map<String, RetiredCredential> known = new ConcurrentHashMap<>();
    private final Object refreshing = new Object();
    private volatile long refreshedAtNanos;
    private volatile boolean loaded;
    private Instant readSince = Instant.EPOCH;

    public RetiredCredentials(ObjectStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reads the store now (at start-up, so that the handshake check, which reads memory only, knows the
     * certificates retired before).
     *
     * @throws StoreException when the store cannot be read
     */
    public void load() {
        refreshedAtNanos = System.nanoTime() - REFRESH.toNanos();
        refreshIfStale();
    }

    /** The retirement of this credential, if it is retired; reads the store when the copy here is stale. */
    public Optional<RetiredCredential> find(LinkCredential credential) {
        return find(credential.fingerprint());
    }

    /** The retirement of the certificate with this SHA-256 ({@link LinkCredential#fingerprint}), if any. */
    public Optional<RetiredCredential> find(String fingerprint) {
        refreshIfStale();
        return Optional.ofNullable(known.get(fingerprint));
    }

    /**
     * Whether the TLS listeners should refuse this credential at the handshake: it is retired and its time to
     * fetch its replacement is over. Reads only the copy in memory (it runs on a network thread).
     */
    public boolean refusedAtHandshake(LinkCredential credential) {
        RetiredCredential r = known.get(credential.fingerprint());
        return r != null && !clock.instant().isBefore(r.retrievableUntil());
    }

    /**
     * Why a request on a connection authenticated by this credential may not run this operation with this
     * request payload (null: none): empty when the credential is current, or when it is retired and this is a
     * retrieval of its replacement (named by the payload's Unique Identifier) within the time allowed.
     */
    public Optional<KmipException> refusal(LinkCredential credential, Operation operation, TtlvItem payload) {
        if (credential == null) {
            return Optional.empty();
        }
        Optional<RetiredCredential> retired = find(credential);
        if (retired.isEmpty()) {
            return Optional.empty();
        }
        RetiredCredential r = retired.get();
        String uniqueIdentifier = payload == null ? null : payload.child(Tag.UNIQUE_IDENTIFIER)
                .filter(u -> u.type() == ItemType.TEXT_STRING).map(TtlvItem::textValue).orElse(null);
        if (RETRIEVAL.contains(operation) && uniqueIdentifier != null && r.replacements().contains(uniqueIdentifier)
                && clock.instant().isBefore(r.retrievableUntil())) {
            return Optional.empty();
        }
        return Optional.of(new KmipException(ResultReason.PERMISSION_DENIED, "this client certificate was replaced by"
                + " Re-Provision at " + r.retiredAt() + " and can no longer be used"
                + (clock.instant().isBefore(r.retrievableUntil())
                        ? " (until " + r.retrievableUntil() + " only to Get the objects of its replacement)" : "")
                + "; connect with the new certificate"));
    }

    /** Records a retirement this node just committed, so that it applies here at once. */
    public void retired(RetiredCredential credential) {
        known.put(credential.fingerprint(), credential);
    }

    private void refreshIfStale() {
        long now = System.nanoTime();
        if (loaded && now - refreshedAtNanos < REFRESH.toNanos()) {
            return;
        }
        synchronized (refreshing) {
            if (loaded && System.nanoTime() - refreshedAtNanos < REFRESH.toNanos()) {
                return;
            }
            try {
                Instant since = readSince;
                for (RetiredCredential r : store.read(tx -> tx.retiredCredentialsSince(since))) {
                    known.put(r.fingerprint(), r);
                    if (r.retiredAt().isAfter(readSince)) {
                        readSince = r.retiredAt();
                    }
                }
                loaded = true;
            } catch (KmipException | StoreException e) {
                if (!loaded) { // never answer "current" without having read the store once
                    throw e instanceof StoreException s ? s
                            : new StoreException("the retired client certificates cannot be read");
                }
                // a failed refresh keeps what is known; the next request tries again
            } finally {
                refreshedAtNanos = System.nanoTime();
            }
        }
    }
}
