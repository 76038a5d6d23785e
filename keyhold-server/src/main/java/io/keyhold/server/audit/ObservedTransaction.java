package io.keyhold.server.audit;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.ApiToken;
import io.keyhold.server.store.Grant;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.ReadTransaction;
import io.keyhold.server.store.RetiredCredential;
import io.keyhold.server.store.RotationPolicy;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.StoredTicket;
import io.keyhold.server.store.WriteTransaction;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A transaction that notes, for the item's audit record, every object the handler loads, locates,
 * creates or changes through it. Everything else is passed through unchanged (a method added to the
 * transaction interfaces is delegated here too).
 */
final class ObservedTransaction implements WriteTransaction {
    private final ReadTransaction reads;
    private final WriteTransaction writes;
    private final ItemAudit item;

    ObservedTransaction(ReadTransaction reads, WriteTransaction writes, ItemAudit item) {
        this.reads = reads;
        this.writes = writes;
        this.item = item;
    }

    @Override
    public Optional<StoredObject> get(String uniqueIdentifier) {
        Optional<StoredObject> o = reads.get(uniqueIdentifier);
        o.ifPresent(found -> item.involved(found.uniqueIdentifier()));
        return o;
    }

    @Override
    public List<String> locate(LocateQuery query) {
        List<String> found = reads.locate(query);
        found.forEach(item::involved);
        return found;
    }

    @Override
    public long count(LocateQuery query) {
        return reads.count(query);
    }

    @Override
    public List<Grant> grantsOn(String uniqueIdentifier, Collection<String> objectGroups) {
        return reads.grantsOn(uniqueIdentifier, objectGroups);
    }

    @Override
    public List<Grant> grants() {
        return reads.grants();
    }

    @Override
    public Optional<String> passwordHash(String username) {
        return reads.passwordHash(username);
    }

    @Override
    public List<String> usernames() {
        return reads.usernames();
    }

    @Override
    public Optional<ApiToken> apiToken(String id) {
        return reads.apiToken(id);
    }

    @Override
    public List<ApiToken> apiTokens() {
        return reads.apiTokens();
    }

    @Override
    public void insert(StoredObject object) {
        writable().insert(object);
        item.involved(object.uniqueIdentifier());
    }

    @Override
    public void update(StoredObject object) {
        writable().update(object);
        item.involved(object.uniqueIdentifier());
    }

    @Override
    public boolean insertGrant(Grant grant, long grantedAt) {
        return writable().insertGrant(grant, grantedAt);
    }

    @Override
    public boolean deleteGrant(Grant grant) {
        return writable().deleteGrant(grant);
    }

    @Override
    public boolean putUser(String username, String passwordHash, long changedAt) {
        return writable().putUser(username, passwordHash, changedAt);
    }

    @Override
    public boolean deleteUser(String username) {
        return writable().deleteUser(username);
    }

    @Override
    public void insertApiToken(ApiToken token) {
        writable().insertApiToken(token);
    }

    @Override
    public boolean revokeApiToken(String id, long revokedAt) {
        return writable().revokeApiToken(id, revokedAt);
    }

    @Override
    public boolean apiTokenUsed(String id, long usedAt) {
        return writable().apiTokenUsed(id, usedAt);
    }

    @Override
    public Optional<RetiredCredential> retiredCredential(String fingerprint) {
        return reads.retiredCredential(fingerprint);
    }

    @Override
    public List<RetiredCredential> retiredCredentialsSince(Instant from) {
        return reads.retiredCredentialsSince(from);
    }

    @Override
    public boolean insertRetiredCredential(RetiredCredential credential) {
        return writable().insertRetiredCredential(credential);
    }

    @Override
    public Optional<StoredTicket> ticket(byte[] hash) {
        return reads.ticket(hash);
    }

    @Override
    public long liveTickets(Instant now) {
        return reads.liveTickets(now);
    }

    @Override
    public long liveTickets(String identity, Instant now) {
        return reads.liveTickets(identity, now);
    }

    @Override
    public List<KmipAttribute> objectDefaults(int objectType) {
        return reads.objectDefaults(objectType);
    }

    @Override
    public Optional<TtlvItem> constraints() {
        return reads.constraints();
    }

    @Override
    public boolean insertTicket(StoredTicket ticket) {
        return writable().insertTicket(ticket);
    }

    @Override
    public Optional<StoredTicket> useTicketRequest(byte[] hash, Instant now) {
        return writable().useTicketRequest(hash, now);
    }

    @Override
    public long useTicketOperations(byte[] hash, long operations) {
        return writable().useTicketOperations(hash, operations);
    }

    @Override
    public Optional<StoredTicket> deleteTicket(byte[] hash) {
        return writable().deleteTicket(hash);
    }

    @Override
    public long deleteEndedTickets(Instant now) {
        return writable().deleteEndedTickets(now);
    }

    @Override
    public void putObjectDefaults(int objectType, List<KmipAttribute> attributes, long changedAt) {
        writable().putObjectDefaults(objectType, attributes, changedAt);
    }

    @Override
    public void putConstraints(TtlvItem constraints, long changedAt) {
        writable().putConstraints(constraints, changedAt);
    }

    @Override
    public List<RotationPolicy> rotationPolicies() {
        return reads.rotationPolicies();
    }

    @Override
    public boolean insertRotationPolicy(RotationPolicy policy) {
        return writable().insertRotationPolicy(policy);
    }

    @Override
    public boolean deleteRotationPolicy(String name) {
        return writable().deleteRotationPolicy(name);
    }

    @Override
    public long objectUses(String uniqueIdentifier) {
        return reads.objectUses(uniqueIdentifier);
    }

    @Override
    public void addObjectUses(java.util.Map<String, Long> uses) {
        writable().addObjectUses(uses);
    }

    @Override
    public AuditRecord appendAudit(AuditEvent event) {
        return writable().appendAudit(event);
    }

    private WriteTransaction writable() {
        if (writes == null) {
            throw new IllegalStateException("read transaction cannot write");
        }
        return writes;
    }
}
