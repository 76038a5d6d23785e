package io.keyhold.server.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The hash chain of the audit log. Record n's hash is SHA-256 over a canonical encoding of its sequence
 * number, every field of its event and record n-1's hash; record 1 chains from {@link #GENESIS}.
 *
 * <p>The encoding is unambiguous: a version label, then each field in a fixed order, numbers as 8-byte
 * big-endian values, each text as a presence byte (0 absent, 1 present) followed by its UTF-8 length (4
 * bytes) and bytes, the identifier list as its size followed by each text. Two different records never
 * encode alike, so no field can be shifted into its neighbour without changing the hash.
 */
public final class AuditChain {
    private static final String LABEL = "keyhold-audit-record-v1";

    /** The hash record 1 chains from: SHA-256 of "keyhold-audit-genesis-v1". */
    public static final byte[] GENESIS_BYTES = sha256("keyhold-audit-genesis-v1".getBytes(StandardCharsets.UTF_8));

    /** The head before the first record: sequence 0, the genesis hash. */
    public static final Head GENESIS = new Head(0, GENESIS_BYTES);

    private AuditChain() {}

    /**
     * The end of the chain: the last record's sequence number and hash. The next record gets sequence
     * + 1 and chains from this hash.
     */
    public record Head(long sequence, byte[] hash) {
        public Head {
            hash = hash.clone();
            if (hash.length != 32) {
                throw new IllegalArgumentException("hash length: " + hash.length + " (expected: 32)");
            }
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }

        /** The record that follows this head, for the event. */
        public AuditRecord next(AuditEvent event) {
            long seq = sequence + 1;
            return new AuditRecord(seq, event, hash, AuditChain.hash(seq, event, hash));
        }

        /** The head once the record is appended. */
        public static Head of(AuditRecord r) {
            return new Head(r.sequence(), r.hash());
        }

        public String hashHex() {
            return HexFormat.of().formatHex(hash);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Head h && h.sequence == sequence && Arrays.equals(h.hash, hash);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sequence) * 31 + Arrays.hashCode(hash);
        }

        @Override
        public String toString() {
            return sequence + ":" + hashHex();
        }
    }

    /** The hash of the record with this sequence number and event that follows a record with {@code previousHash}. */
    public static byte[] hash(long sequence, AuditEvent e, byte[] previousHash) {
        Objects.requireNonNull(previousHash, "previousHash");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            text(out, LABEL);
            out.writeLong(sequence);
            out.writeLong(e.time().toEpochMilli());
            text(out, e.identity());
            text(out, e.sourceAddress());
            text(out, e.protocolVersion());
            text(out, e.operation());
            out.writeInt(e.uniqueIdentifiers().size());
            for (String uid : e.uniqueIdentifiers()) {
                text(out, uid);
            }
            out.writeLong(e.objectCount());
            text(out, e.resultStatus());
            text(out, e.resultReason());
            text(out, e.detail());
            out.writeInt(previousHash.length);
            out.write(previousHash);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return sha256(bytes.toByteArray());
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeByte(0);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeByte(1);
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
