package io.keyhold.server.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one audit record says about one request batch item (or about a whole message refused before any
 * item ran). It never holds key material, payload contents or passwords: only who, from where, what
 * operation, on which objects and with what result.
 *
 * @param time              when the item finished, to the millisecond
 * @param identity          the authenticated client
 * @param sourceAddress     the client's address ("127.0.0.1:50312")
 * @param protocolVersion   the request's KMIP version ("1.4"), or null when the message could not be read
 * @param operation         the operation's specification name ("Create"), its hexadecimal value when it has
 *                          no name, or null for a message refused as a whole
 * @param uniqueIdentifiers the first objects the item loaded or created, at most {@link #MAX_IDENTIFIERS} in
 *                          records the server writes (a record read back is taken as stored, to be verified)
 * @param objectCount       how many distinct objects the item loaded or created in all
 * @param resultStatus      the Result Status's specification name ("Success", "Operation Failed")
 * @param resultReason      the Result Reason's specification name, or null on success
 */
public record AuditEvent(Instant time, String identity, String sourceAddress, String protocolVersion, String operation,
                         List<String> uniqueIdentifiers, long objectCount, String resultStatus, String resultReason) {
    /** Most identifiers one record lists; a Locate that returns more records the count only beyond these. */
    public static final int MAX_IDENTIFIERS = 32;

    /**
     * The record of a successful change made outside a KMIP request (for example a grant changed at the
     * command line), to append with {@link io.keyhold.server.store.WriteTransaction#appendAudit} inside the
     * change's own transaction.
     *
     * @param actor     who made it ("operator alice", "client client1")
     * @param source    where from ("local" for the command line)
     * @param operation what it was ("Grant", "Revoke Grant", "Add User")
     * @param objects   the Unique Identifiers of the objects it concerns (at most {@link #MAX_IDENTIFIERS} kept)
     */
    public static AuditEvent change(Instant time, String actor, String source, String operation, List<String> objects) {
        List<String> distinct = objects.stream().distinct().toList();
        return new AuditEvent(time, actor, source, null, operation,
                distinct.subList(0, Math.min(distinct.size(), MAX_IDENTIFIERS)), distinct.size(), "Success", null);
    }

    /** The time is kept to the millisecond, as stored and hashed. */
    public AuditEvent {
        time = Objects.requireNonNull(time, "time").truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        uniqueIdentifiers = List.copyOf(uniqueIdentifiers);
        Objects.requireNonNull(resultStatus, "resultStatus");
    }
}
