package io.keyhold.server.store;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A consistent view of the store. Valid only inside the {@link ObjectStore} call that provided it. */
public interface ReadTransaction {

    /** The object with this Unique Identifier, whatever its owner or state. */
    Optional<StoredObject> get(String uniqueIdentifier);

    /** Identifiers of the objects that match, in storage order, after offset and limit. */
    List<String> locate(LocateQuery query);

    /** How many objects match, ignoring offset and limit (Located Items). */
    long count(LocateQuery query);

    /**
     * The grants that apply to an object: those naming its Unique Identifier and those naming one of its
     * Object Groups, to any grantee. Read from the store each time, so a change made by another process is
     * seen at once.
     */
    List<Grant> grantsOn(String uniqueIdentifier, Collection<String> objectGroups);

    /** Every grant, ordered by target kind, target, grantee kind, grantee and operation. */
    List<Grant> grants();

    /** The stored password hash of a user of Username and Password credentials, if the user exists. */
    Optional<String> passwordHash(String username);

    /** The users of Username and Password credentials, in name order. */
    List<String> usernames();

    /** The API token with this id, revoked and expired ones included. Read from the store each time. */
    Optional<ApiToken> apiToken(String id);

    /** Every API token, revoked and expired ones included, ordered by creation time, then id. */
    List<ApiToken> apiTokens();

    /**
     * The retired client credential (a TLS client certificate Re-Provision replaced) with this fingerprint,
     * SHA-256 of the certificate's DER encoding in lowercase hex. Read from the store each time, so a
     * credential retired by another process is seen at once.
     */
    Optional<RetiredCredential> retiredCredential(String fingerprint);

    /**
     * The retired client credentials retired at or after that instant, ordered by retirement time, then
     * fingerprint: a node polls them from the latest retirement time it has seen (those of that second come
     * again).
     */
    List<RetiredCredential> retiredCredentialsSince(Instant from);

    /**
     * The ticket of Login or Delegated Login whose value has this SHA-256 hash, ended ones included: found by
     * the first half of the hash, then the whole hash compared in constant time ({@link StoredTicket#matches}).
     * Read from the store each time, so a ticket issued or ended by another process is seen at once.
     */
    Optional<StoredTicket> ticket(byte[] hash);

    /** How many tickets are alive at that instant ({@link StoredTicket#aliveAt}), of every identity. */
    long liveTickets(Instant now);

    /** How many tickets of this identity are alive at that instant. */
    long liveTickets(String identity, Instant now);

    /**
     * The server's Object Defaults for this Object Type (Set Defaults), in the order set; empty when it has
     * none. Read from the store each time, so a change made by another process applies at once.
     */
    List<KmipAttribute> objectDefaults(int objectType);

    /** The server's Constraints structure as the last Set Constraints gave it; empty when none was ever set. */
    Optional<TtlvItem> constraints();

    /** The server's rotation policies, in name order. */
    List<RotationPolicy> rotationPolicies();

    /**
     * How many times the object has been used as the key of a cryptographic operation, as far as the nodes
     * have added their counts ({@link WriteTransaction#addObjectUses}); 0 when never.
     */
    long objectUses(String uniqueIdentifier);
}
