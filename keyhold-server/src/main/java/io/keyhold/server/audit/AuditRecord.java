package io.keyhold.server.audit;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One link of the audit chain: an event with its sequence number (1, 2, 3, ... without gaps), the hash of
 * the record before it and its own hash, {@link AuditChain#hash SHA-256} over all of it. Changing,
 * removing or reordering a record breaks the link to the next one, which {@link AuditVerifier} finds.
 */
public record AuditRecord(long sequence, AuditEvent event, byte[] previousHash, byte[] hash) {
    public AuditRecord {
        Objects.requireNonNull(event, "event");
        previousHash = previousHash.clone();
        hash = hash.clone();
    }

    @Override
    public byte[] previousHash() {
        return previousHash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    public String hashHex() {
        return HexFormat.of().formatHex(hash);
    }

    public String previousHashHex() {
        return HexFormat.of().formatHex(previousHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditRecord r && r.sequence == sequence && r.event.equals(event)
                && Arrays.equals(r.previousHash, previousHash) && Arrays.equals(r.hash, hash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "AuditRecord[" + sequence + ", " + event + ", hash=" + hashHex() + "]";
    }
}
