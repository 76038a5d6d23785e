package io.keyhold.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditChainTest {
    private static AuditEvent event(String identity, String source, List<String> uids) {
        return new AuditEvent(Instant.ofEpochMilli(1_700_000_000_123L), identity, source, "1.4", "Get", uids, uids.size(),
                "Success", null, null);
    }

    @Test
    void genesis_isTheHashOfItsLabel() throws Exception {
        assertThat(AuditChain.GENESIS_BYTES).isEqualTo(MessageDigest.getInstance("SHA-256")
                .digest("keyhold-audit-genesis-v1".getBytes(StandardCharsets.UTF_8)));
        assertThat(AuditChain.GENESIS.sequence()).isZero();
    }

    @Test
    void hash_coversEveryFieldAndThePreviousHash() {
        AuditEvent base = event("client1", "127.0.0.1:1", List.of("a"));
        byte[] h = AuditChain.hash(1, base, AuditChain.GENESIS_BYTES);
        assertThat(AuditChain.hash(1, base, AuditChain.GENESIS_BYTES)).isEqualTo(h);
        List<byte[]> variants = List.of(
                AuditChain.hash(2, base, AuditChain.GENESIS_BYTES),
                AuditChain.hash(1, base, new byte[32]),
                AuditChain.hash(1, new AuditEvent(base.time().plusMillis(1), "client1", "127.0.0.1:1", "1.4", "Get",
                        List.of("a"), 1, "Success", null, null), AuditChain.GENESIS_BYTES),
                AuditChain.hash(1, new AuditEvent(base.time(), "client1", "127.0.0.1:1", null, "Get", List.of("a"), 1,
                        "Success", null, null), AuditChain.GENESIS_BYTES),
                AuditChain.hash(1, new AuditEvent(base.time(), "client1", "127.0.0.1:1", "1.4", "Get", List.of("a"), 2,
                        "Success", null, null), AuditChain.GENESIS_BYTES),
                AuditChain.hash(1, new AuditEvent(base.time(), "client1", "127.0.0.1:1", "1.4", "Get", List.of("a"), 1,
                        "Success", "Item Not Found", null), AuditChain.GENESIS_BYTES),
                AuditChain.hash(1, new AuditEvent(base.time(), "client1", "127.0.0.1:1", "1.4", "Get", List.of("a"), 1,
                        "Success", null, "access denied"), AuditChain.GENESIS_BYTES),
                AuditChain.hash(1, new AuditEvent(base.time(), "client1", "127.0.0.1:1", "1.4", "Get", List.of("a"), 1,
                        "Success", null, ""), AuditChain.GENESIS_BYTES));
        for (byte[] v : variants) {
            assertThat(v).isNotEqualTo(h);
        }
    }

    @Test
    void hash_isUnambiguous_fieldsCannotShiftIntoTheirNeighbours() {
        byte[] a = AuditChain.hash(1, event("ab", "c", List.of()), AuditChain.GENESIS_BYTES);
        byte[] b = AuditChain.hash(1, event("a", "bc", List.of()), AuditChain.GENESIS_BYTES);
        byte[] c = AuditChain.hash(1, event("a", "b", List.of("x", "y")), AuditChain.GENESIS_BYTES);
        byte[] d = AuditChain.hash(1, event("a", "b", List.of("xy")), AuditChain.GENESIS_BYTES);
        assertThat(a).isNotEqualTo(b);
        assertThat(c).isNotEqualTo(d);
        byte[] e = AuditChain.hash(1, withReasonAndDetail("Item Not Found", "x"), AuditChain.GENESIS_BYTES);
        byte[] f = AuditChain.hash(1, withReasonAndDetail("Item Not Foundx", null), AuditChain.GENESIS_BYTES);
        byte[] g = AuditChain.hash(1, withReasonAndDetail("Item Not Found", ""), AuditChain.GENESIS_BYTES);
        byte[] h = AuditChain.hash(1, withReasonAndDetail("Item Not Found", null), AuditChain.GENESIS_BYTES);
        assertThat(List.of(e, f, g, h)).as("reason and detail cannot shift into each other; absent is not empty")
                .extracting(java.util.HexFormat.of()::formatHex).doesNotHaveDuplicates();
    }

    private static AuditEvent withReasonAndDetail(String reason, String detail) {
        return new AuditEvent(Instant.ofEpochMilli(1_700_000_000_123L), "a", "b", "1.4", "Get", List.of(), 0,
                "Operation Failed", reason, detail);
    }

    @Test
    void change_aSuccessfulChangeWithoutProtocolVersion_identifiersDistinctAndCapped() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < AuditEvent.MAX_IDENTIFIERS + 5; i++) {
            many.add("u" + i);
            many.add("u" + i);
        }
        AuditEvent e = AuditEvent.change(Instant.parse("2026-05-01T00:00:00.123456Z"), "operator alice", "local",
                "Grant", many, "granted Get on object group g to identity bob");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-05-01T00:00:00.123Z"));
        assertThat(e.protocolVersion()).isNull();
        assertThat(e.resultStatus()).isEqualTo("Success");
        assertThat(e.uniqueIdentifiers()).hasSize(AuditEvent.MAX_IDENTIFIERS).doesNotHaveDuplicates();
        assertThat(e.objectCount()).isEqualTo(AuditEvent.MAX_IDENTIFIERS + 5);
        assertThat(e.detail()).isEqualTo("granted Get on object group g to identity bob");
    }

    @Test
    void change_longDetail_isCutToTheLimitAndSaysSo() {
        String longDetail = "granted " + "Get, ".repeat(AuditEvent.MAX_DETAIL_CHARS) + "Encrypt";
        AuditEvent e = AuditEvent.change(Instant.EPOCH, "operator alice", "local", "Grant", List.of(), longDetail);
        assertThat(e.detail()).hasSize(AuditEvent.MAX_DETAIL_CHARS).startsWith("granted Get, Get").endsWith("...");
        String fits = "x".repeat(AuditEvent.MAX_DETAIL_CHARS);
        assertThat(AuditEvent.change(Instant.EPOCH, "a", "local", "Grant", List.of(), fits).detail()).isEqualTo(fits);
    }

    private static List<AuditRecord> chain(int n) {
        List<AuditRecord> out = new ArrayList<>();
        AuditChain.Head head = AuditChain.GENESIS;
        for (int i = 0; i < n; i++) {
            AuditRecord r = head.next(event("client" + i, "127.0.0.1:" + i, List.of("u" + i)));
            out.add(r);
            head = AuditChain.Head.of(r);
        }
        return out;
    }

    private static AuditVerifier.Result verify(List<AuditRecord> records, Optional<AuditChain.Head> head, AuditChain.Head anchor) {
        AuditVerifier v = new AuditVerifier(anchor);
        for (AuditRecord r : records) {
            if (!v.accept(r)) {
                break;
            }
        }
        return v.finish(head);
    }

    @Test
    void verifier_namesTheFirstBrokenRecordAndHow() {
        List<AuditRecord> good = chain(6);
        Optional<AuditChain.Head> head = Optional.of(AuditChain.Head.of(good.get(5)));
        assertThat(verify(good, head, null).problem()).isEmpty();
        assertThat(verify(good, head, null).verified()).isEqualTo(6);

        List<AuditRecord> changed = new ArrayList<>(good);
        AuditRecord r3 = good.get(2);
        changed.set(2, new AuditRecord(3, event("mallory", r3.event().sourceAddress(), r3.event().uniqueIdentifiers()),
                r3.previousHash(), r3.hash()));
        AuditVerifier.Result c = verify(changed, head, null);
        assertThat(c.problem().orElseThrow().sequence()).isEqualTo(3);
        assertThat(c.problem().orElseThrow().message()).contains("changed");
        assertThat(c.verified()).isEqualTo(2);

        List<AuditRecord> removed = new ArrayList<>(good);
        removed.remove(3);
        assertThat(verify(removed, head, null).problem().orElseThrow().message()).contains("record 4 is missing");

        List<AuditRecord> swapped = new ArrayList<>(good);
        swapped.set(1, renumbered(good.get(2), 2));
        swapped.set(2, renumbered(good.get(1), 3));
        AuditVerifier.Result s = verify(swapped, head, null);
        assertThat(s.problem().orElseThrow().sequence()).isEqualTo(2);
        assertThat(s.problem().orElseThrow().message()).contains("reordered");

        List<AuditRecord> truncated = good.subList(0, 4);
        assertThat(verify(truncated, head, null).problem().orElseThrow().message()).contains("removed from the end");
        assertThat(verify(truncated, Optional.empty(), null).problem()).as("a chain alone cannot show a cut end").isEmpty();
        assertThat(verify(truncated, Optional.empty(), AuditChain.Head.of(good.get(5))).problem().orElseThrow().message())
                .contains("records 5 to 6 were removed from the end");
    }

    @Test
    void verifier_rewrittenRecordWithFreshHash_isCaughtByItsSuccessor() {
        List<AuditRecord> good = chain(4);
        AuditRecord r2 = good.get(1);
        AuditEvent forged = event("mallory", "10.0.0.1:1", List.of());
        List<AuditRecord> rewritten = new ArrayList<>(good);
        rewritten.set(1, new AuditRecord(2, forged, r2.previousHash(), AuditChain.hash(2, forged, r2.previousHash())));
        AuditVerifier.Result r = verify(rewritten, Optional.of(AuditChain.Head.of(good.get(3))), null);
        assertThat(r.problem().orElseThrow().sequence()).isEqualTo(3);
        assertThat(r.problem().orElseThrow().message()).contains("record 2 was replaced");
    }

    private static AuditRecord renumbered(AuditRecord r, long sequence) {
        return new AuditRecord(sequence, r.event(), r.previousHash(), r.hash());
    }
}
