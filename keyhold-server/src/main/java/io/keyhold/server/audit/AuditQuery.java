package io.keyhold.server.audit;

import java.time.Instant;

/**
 * Which audit records to list; every criterion is optional (null) and they combine with AND.
 *
 * @param uniqueIdentifier records that involve this object
 * @param identity         records of this client
 * @param since            records at or after this time
 * @param until            records before this time
 * @param operation        records of this operation (specification name, "Create")
 * @param limit            most records returned, oldest first; 0 for all
 */
public record AuditQuery(String uniqueIdentifier, String identity, Instant since, Instant until, String operation,
                         int limit) {
    public AuditQuery {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
        }
    }

    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null, 0);
    }
}
