package io.keyhold.server.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one audit record says about one request batch item (or about a whole message refused before any
 * item ran). It never holds key material, payload contents or passwords: only who, from where, what
 * operation, on which objects and with what result, and a short note the server writes itself.
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
 * @param detail            a short readable note the other fields cannot carry ("access denied" for an object
 *                          answered as missing because the client may not use it; what a grant or user change
 *                          did), or null; never a secret, at most {@link #MAX_DETAIL_CHARS} in records the
 *                          server writes
 */
public record AuditEvent(Instant time, String identity, String sourceAddress, String protocolVersion, String operation,
                         List<String> uniqueIdentifiers, long objectCount, String resultStatus, String resultReason,
                         String detail) {
    /** Most identifiers one record lists; a Locate that returns more records the count only beyond these. */
    public static final int MAX_IDENTIFIERS = 32;

    /** Longest detail one record keeps; a longer one is cut and ends in "...". */
    public static final int MAX_DETAIL_CHARS = 1024;

    /** The detail of an item refused because the client may not use an object it names (answered as missing). */
    public static final String ACCESS_DENIED = "access denied";

    /**
     * The record of a successful change made outside a KMIP request (for example a grant changed at the
     * command line), to append with {@link io.keyhold.server.store.WriteTransaction#appendAudit} inside the
     * change's own transaction.
     *
     * @param actor     who made it ("operator alice", "client client1")
     * @param source    where from ("local" for the command line)
     * @param operation what it was ("Grant", "Revoke Grant", "Add User")
     * @param objects   the Unique Identifiers of the objects it concerns (at most {@link #MAX_IDENTIFIERS} kept)
     * @param detail    what changed, readably ("granted Get on object 1234 to identity client2"); never a
     *                  password, its hash or key material (at most {@link #MAX_DETAIL_CHARS} kept)
     */
    public static AuditEvent change(Instant time, String actor, String source, String operation, List<String> objects,
                                    String detail) {
        List<String> distinct = objects.stream().distinct().toList();
        return new AuditEvent(time, actor, source, null, operation,
                distinct.subList(0, Math.min(distinct.size(), MAX_IDENTIFIERS)), distinct.size(), "Success", null,
                clipped(detail));
    }

    /** The detail cut to {@link #MAX_DETAIL_CHARS}, ending in "..." when it was longer. */
    static String clipped(String detail) {
        if (detail == null || detail.length() <= MAX_DETAIL_CHARS) {
            return detail;
        }
        return detail.substring(0, MAX_DETAIL_CHARS - 3) + "...";
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
