package io.keyhold.server.audit;

import java.util.List;

/**
 * Told of audit records once they are committed (for forwarding them elsewhere). Called on the store's
 * writer thread: it must return at once and never throw.
 */
@FunctionalInterface
public interface AuditListener {
    AuditListener NONE = records -> { };

    void committed(List<AuditRecord> records);
}
