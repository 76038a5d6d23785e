package io.keyhold.server.http.rest;

import io.keyhold.protocol.KmipException;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditQuery;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.sql.Database;
import io.keyhold.server.store.sql.SqlAuditLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The audit log as the REST routes read it: records by {@link AuditQuery}, a verification of the whole
 * hash chain ({@link AuditVerifier}) and the head kept beside it. Reads see every record committed before
 * the call, including those of reads and failures still queued for the writer when it began.
 */
public interface RestAdminAuditLog {

    /** The records that match, oldest first, at most {@code q.limit()} (0: all). */
    List<AuditRecord> query(AuditQuery q);

    /** Checks the whole chain and the head kept beside it, as {@code keyhold audit verify} does. */
    AuditVerifier.Result verify();

    /** The head the store keeps (the genesis head when the log is empty), unverified. */
    AuditChain.Head head();

    /**
     * The audit log of the database the server's store has open, read through a read-only connection
     * of its own for each call (needs no master key). {@code store} is asked first for an empty write, so
     * that audit records queued before the call are committed when it reads.
     */
    static RestAdminAuditLog sql(Database database, ObjectStore store) {
        return new RestAdminAuditLog() {
            @Override
            public List<AuditRecord> query(AuditQuery q) {
                flush();
                try (SqlAuditLog log = SqlAuditLog.open(database)) {
                    return log.query(q);
                }
            }

            @Override
            public AuditVerifier.Result verify() {
                flush();
                try (SqlAuditLog log = SqlAuditLog.open(database)) {
                    AuditVerifier verifier = new AuditVerifier();
                    Optional<AuditChain.Head> kept = log.scan(verifier::accept);
                    return verifier.finish(kept);
                }
            }

            @Override
            public AuditChain.Head head() {
                try (SqlAuditLog log = SqlAuditLog.open(database)) {
                    return log.head();
                }
            }

            private void flush() {
                try {
                    store.write(tx -> null);
                } catch (KmipException e) {
                    throw new StoreException("cannot commit the queued audit records: " + e.getMessage());
                }
            }
        };
    }

    /** An audit log held in memory (the in-memory store of tests), filtered here. */
    static RestAdminAuditLog records(Supplier<List<AuditRecord>> all) {
        return new RestAdminAuditLog() {
            @Override
            public List<AuditRecord> query(AuditQuery q) {
                var matching = all.get().stream().filter(r -> matches(q, r));
                return (q.limit() > 0 ? matching.limit(q.limit()) : matching).toList();
            }

            @Override
            public AuditVerifier.Result verify() {
                AuditVerifier verifier = new AuditVerifier();
                for (AuditRecord r : all.get()) {
                    if (!verifier.accept(r)) {
                        break;
                    }
                }
                return verifier.finish(Optional.empty());
            }

            @Override
            public AuditChain.Head head() {
                List<AuditRecord> records = all.get();
                return records.isEmpty() ? AuditChain.GENESIS : AuditChain.Head.of(records.get(records.size() - 1));
            }
        };
    }

    private static boolean matches(AuditQuery q, AuditRecord r) {
        var e = r.event();
        return (q.uniqueIdentifier() == null || e.uniqueIdentifiers().contains(q.uniqueIdentifier()))
                && (q.identity() == null || q.identity().equals(e.identity()))
                && (q.operation() == null || q.operation().equals(e.operation()))
                && (q.since() == null || !e.time().isBefore(q.since()))
                && (q.until() == null || e.time().isBefore(q.until()));
    }
}
