package io.keyhold.server.store;

import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;

/**
 * A read-write transaction. Its changes become visible to others, and durable, together when the
 * {@link ObjectStore#write} call that provided it returns; if the work throws, none of them happen.
 */
public interface WriteTransaction extends ReadTransaction {

    /** Stores a new object. A Unique Identifier that already exists is a {@link StoreException}. */
    void insert(StoredObject object);

    /** Replaces an existing object (attributes, material, storage status; never the owner). */
    void update(StoredObject object);

    /** Stores a grant; false when the same grant was already stored (nothing changes then). */
    boolean insertGrant(Grant grant, long grantedAt);

    /** Removes a grant; false when there was no such grant. */
    boolean deleteGrant(Grant grant);

    /** Stores a user's password hash, replacing an existing one; false when the user is new. */
    boolean putUser(String username, String passwordHash, long changedAt);

    /** Removes a user; false when there was no such user. */
    boolean deleteUser(String username);

    /** Stores a new API token. An id that already exists is a {@link StoreException}. */
    void insertApiToken(ApiToken token);

    /**
     * Marks an API token revoked at that time (POSIX seconds); false when there is no such token or it was
     * revoked already (nothing changes then).
     */
    boolean revokeApiToken(String id, long revokedAt);

    /** Records when an API token was last used (POSIX seconds); false when there is no such token. */
    boolean apiTokenUsed(String id, long usedAt);

    /**
     * Appends an audit record to the chain inside this transaction: it commits with the transaction's
     * changes or vanishes with them (a rolled-back transaction leaves the chain's head unchanged).
     *
     * @return the record with its sequence number and hashes
     */
    AuditRecord appendAudit(AuditEvent event);
}
