package io.keyhold.server.audit;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;

/**
 * Checks an audit chain, fed record by record in sequence order, and names the first record that was
 * changed, removed or reordered, saying how it knows:
 * <ul>
 * <li>a gap in the sequence numbers: records were removed;</li>
 * <li>a record whose hash does not match its fields: it was changed (or, when its fields match the hash
 *     under another sequence number, it was moved: the records were reordered);</li>
 * <li>a record whose previous hash is not its predecessor's hash: the predecessor was replaced (rewritten
 *     with a recomputed hash), or records were removed or moved;</li>
 * <li>a chain that ends before the head kept beside it (or an anchor an auditor noted): records were
 *     removed from the end.</li>
 * </ul>
 * A chain alone cannot show that records were cut from its end, nor that the whole log was rewritten
 * from some point with fresh hashes: only the head kept by the store and, stronger, a head noted outside
 * the database (printed by {@code keyhold audit verify}, or the copy forwarded to syslog) can.
 */
public final class AuditVerifier {
    /** How far from its position a moved record is looked for. */
    private static final int MOVE_SEARCH = 1000;

    /** The first problem found: the record's sequence number and what is wrong with it. */
    public record Problem(long sequence, String message) {}

    /**
     * The outcome.
     *
     * @param verified how many records were checked and found intact, from the first on
     * @param head     the head of the intact part
     * @param problem  the first problem, if any
     */
    public record Result(long verified, AuditChain.Head head, Optional<Problem> problem) {
        public boolean intact() {
            return problem.isEmpty();
        }
    }

    private final AuditChain.Head anchor;
    private AuditChain.Head head = AuditChain.GENESIS;
    private long verified;
    private Problem problem;
    private final Deque<AuditRecord> afterProblem = new ArrayDeque<>();
    private byte[] wantedPrevious;

    /** A verifier with no anchor. */
    public AuditVerifier() {
        this(null);
    }

    /**
     * A verifier that also checks the chain against a head an auditor noted earlier (sequence and hash,
     * as {@code keyhold audit verify} prints it): the record with that number must have that hash.
     */
    public AuditVerifier(AuditChain.Head anchor) {
        this.anchor = anchor;
    }

    /** Checks the next record; returns false once a problem is known and more records cannot help. */
    public boolean accept(AuditRecord r) {
        if (problem != null) {
            if (wantedPrevious != null && afterProblem.size() < MOVE_SEARCH) {
                if (Arrays.equals(r.hash(), wantedPrevious)) {
                    problem = new Problem(problem.sequence(), "record " + problem.sequence() + " does not follow record "
                            + (problem.sequence() - 1) + ": it follows record " + r.sequence()
                            + ", stored after it (records were reordered)");
                    wantedPrevious = null;
                    return false;
                }
                afterProblem.add(r);
                return true;
            }
            return false;
        }
        long expected = head.sequence() + 1;
        if (r.sequence() > expected) {
            problem = new Problem(expected, expected == r.sequence() - 1
                    ? "record " + expected + " is missing: record " + head.sequence() + " is followed by record "
                            + r.sequence() + " (removed)"
                    : "records " + expected + " to " + (r.sequence() - 1) + " are missing: record " + head.sequence()
                            + " is followed by record " + r.sequence() + " (removed)");
            return false;
        }
        if (r.sequence() < expected) {
            problem = new Problem(r.sequence(), "record " + r.sequence() + " appears again after record "
                    + head.sequence() + " (duplicated or reordered)");
            return false;
        }
        boolean contentOk = Arrays.equals(AuditChain.hash(r.sequence(), r.event(), r.previousHash()), r.hash());
        boolean linkOk = Arrays.equals(r.previousHash(), head.hash());
        if (contentOk && linkOk) {
            if (anchor != null && anchor.sequence() == r.sequence() && !Arrays.equals(anchor.hash(), r.hash())) {
                problem = new Problem(r.sequence(), "record " + r.sequence() + " does not have the anchored hash"
                        + " (the chain was rewritten up to it)");
                return false;
            }
            head = AuditChain.Head.of(r);
            verified++;
            return true;
        }
        if (!contentOk) {
            long movedFrom = movedFrom(r);
            if (movedFrom > 0) {
                problem = new Problem(r.sequence(), "record " + r.sequence() + " holds the record numbered " + movedFrom
                        + " in the chain: its fields match its hash only under that number (records were reordered)");
            } else if (linkOk) {
                problem = new Problem(r.sequence(), "record " + r.sequence()
                        + " was changed: its fields no longer match its hash");
            } else {
                problem = new Problem(r.sequence(), "record " + r.sequence() + " was changed or replaced: its fields do"
                        + " not match its hash and it does not link to record " + head.sequence());
            }
            return false;
        }
        String what = head.sequence() == 0
                ? "record 1 does not chain from the genesis value (the log's beginning was replaced)"
                : "record " + r.sequence() + " does not follow record " + head.sequence() + ": its previous hash is not"
                        + " that record's hash (record " + head.sequence() + " was replaced with a recomputed hash,"
                        + " or records were moved)";
        problem = new Problem(r.sequence(), what);
        wantedPrevious = r.previousHash();
        return true; // look ahead: the predecessor may have been moved further on
    }

    /**
     * The outcome, given the head the store keeps beside the records (empty if the store keeps none; a
     * store that keeps one but lost it passes the genesis head): a chain ending before it, or before the
     * anchor, was cut at its end.
     */
    public Result finish(Optional<AuditChain.Head> storedHead) {
        if (problem == null && anchor != null) {
            problem = checkAnchor(anchor, "the anchor given");
        }
        if (problem == null && storedHead.isPresent()) {
            problem = checkAnchor(storedHead.get(), "the head kept in the database");
            if (problem == null && storedHead.get().sequence() < head.sequence()) {
                problem = new Problem(storedHead.get().sequence() + 1, "the head kept in the database says the chain"
                        + " ends at record " + storedHead.get().sequence() + ", but records go on to " + head.sequence()
                        + " (the head was changed or removed)");
            }
        }
        return new Result(verified, head, Optional.ofNullable(problem));
    }

    private Problem checkAnchor(AuditChain.Head end, String name) {
        if (end.sequence() > head.sequence()) {
            return new Problem(head.sequence() + 1, "the chain ends at record " + head.sequence() + " but " + name
                    + " is record " + end.sequence() + ": records " + (head.sequence() + 1) + " to "
                    + end.sequence() + " were removed from the end");
        }
        if (end.sequence() == head.sequence() && !Arrays.equals(end.hash(), head.hash())) {
            return new Problem(end.sequence(), "record " + end.sequence() + " does not have the hash of " + name
                    + " (the chain was rewritten up to it)");
        }
        return null;
    }

    private static long movedFrom(AuditRecord r) {
        for (long d = 1; d <= MOVE_SEARCH; d++) {
            for (long s : new long[] {r.sequence() + d, r.sequence() - d}) {
                if (s >= 1 && Arrays.equals(AuditChain.hash(s, r.event(), r.previousHash()), r.hash())) {
                    return s;
                }
            }
        }
        return 0;
    }
}
