package io.keyhold.server.store;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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
     * Records a retired client credential (Re-Provision), its times in whole seconds; false when one with the
     * same fingerprint is recorded already (nothing changes then).
     */
    boolean insertRetiredCredential(RetiredCredential credential);

    /**
     * Stores a new ticket; false when a ticket with the same {@link StoredTicket#lookup} is stored already
     * (nothing changes then: the caller draws another value).
     */
    boolean insertTicket(StoredTicket ticket);

    /**
     * Counts one request against the ticket with this hash, if it is alive at that instant: its Request Count,
     * when it has one, goes down by one. The ticket as it was before; empty, and nothing changes, when no
     * ticket has this hash, its lease ended or its Request Count is used up.
     */
    Optional<StoredTicket> useTicketRequest(byte[] hash, Instant now);

    /**
     * Draws up to {@code operations} operations from the Usage Limits of the ticket with this hash: how many
     * it drew (all of them for a ticket without Usage Limits; fewer once they run out), 0 when no ticket has
     * this hash. The lease is not checked: the request the operations belong to was admitted while it ran.
     */
    long useTicketOperations(byte[] hash, long operations);

    /** Removes the ticket with this hash (Logout): the ticket as it was; empty when there was none. */
    Optional<StoredTicket> deleteTicket(byte[] hash);

    /** Removes the tickets not alive at that instant (lease ended or Request Count used up): how many. */
    long deleteEndedTickets(Instant now);

    /**
     * Replaces the Object Defaults of one Object Type (Set Defaults); an empty list removes them. Times are
     * POSIX seconds.
     */
    void putObjectDefaults(int objectType, List<KmipAttribute> attributes, long changedAt);

    /** Replaces the server's Constraints structure (Set Constraints), kept exactly as given. */
    void putConstraints(TtlvItem constraints, long changedAt);

    /** Stores a new rotation policy; false when one with the same name exists (nothing changes then). */
    boolean insertRotationPolicy(RotationPolicy policy);

    /** Removes the rotation policy with this name; false when there was none. */
    boolean deleteRotationPolicy(String name);

    /** Adds each count to the object's counted uses (by Unique Identifier); counts of several nodes add up. */
    void addObjectUses(java.util.Map<String, Long> uses);

    /**
     * Appends an audit record to the chain inside this transaction: it commits with the transaction's
     * changes or vanishes with them (a rolled-back transaction leaves the chain's head unchanged).
     *
     * @return the record with its sequence number and hashes
     */
    AuditRecord appendAudit(AuditEvent event);
}
