package io.keyhold.server.rotation;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.MessageEncoder;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.dispatch.ConnectionSession;
import io.keyhold.server.dispatch.ObjectUses;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.ops.Lifecycle;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.keys.SecretDataRotation;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.RotationPolicy;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.WriteTransaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates keys and Secret Data on schedule ({@link RotationSchedule} says which and when). Each due key is
 * replaced by a Re-key (Symmetric Key) or Re-key Key Pair (Private Key) request sent through the server's
 * request processor as the key's owner from the source address {@value #SOURCE}, so access control, lifecycle
 * rules, Links and the audit log are exactly those of a client's Re-key. The scheduler then records the
 * rotation on both objects (Rotate Date now and Rotate Generation one more on the replacement, Rotate Latest
 * True on the replacement and False on the replaced object), with an audit record of its own in the same
 * transaction. Secret Data, which Re-key does not take, is replaced by the server itself
 * ({@link SecretDataRotation}): the new object, the old object's changes, the rotation attributes and the
 * audit record ({@value #AUDIT_SECRET_DATA}) in one transaction. Once a policy's grace period has passed since
 * the rotation, it revokes the replaced object (Revoke, Superseded: it becomes Deactivated and Get still
 * returns it), again through the processor.
 *
 * <p>Each round first adds the uses this node's processor counted ({@link ObjectUses}) to the store, whether
 * or not the node runs the round, so that usage limits see the uses of every node.
 *
 * <p>One round at a time in a cluster: a round runs only while this node holds the store's cluster-wide hold
 * {@value #TASK} ({@link ObjectStore#tryExclusive}); each key is read again right before its Re-key and skipped
 * unless it is still due and the latest of its chain, so no key is rotated twice for one due date.
 */
public final class RotationScheduler implements AutoCloseable {
    /** The source address of the scheduler's requests and audit records. */
    public static final String SOURCE = "rotation-scheduler";
    /** The name of the cluster-wide hold a round runs under. */
    public static final String TASK = "rotation";
    /** The operation its own audit records name (recording a rotation on both objects). */
    public static final String AUDIT_OPERATION = "Record Rotation";
    /** The operation of the audit record of a Secret Data rotation. */
    public static final String AUDIT_SECRET_DATA = "Rotate Secret Data";

    private static final Logger LOG = LoggerFactory.getLogger(RotationScheduler.class);
    private static final int PER_QUERY = 1000;

    private final ObjectStore store;
    private final RequestProcessor processor;
    private final Clock clock;
    private final ObjectUses uses;
    private final SecretDataRotation secretData = new SecretDataRotation();
    private final MessageEncoder encoder = new MessageEncoder();
    private final TtlvDecoder decoder = new TtlvDecoder();
    private ScheduledExecutorService timer;

    /**
     * A rotation done: the replaced object, its replacement, and what decided it.
     *
     * @param due  when its time limit was reached, or null when it had none
     * @param uses its counted uses when its rule has a usage limit, else 0
     */
    public record Rotation(String replaced, String replacement, String source, Instant due, long uses) {
    }

    /**
     * What one round did.
     *
     * @param ran      false when another node held the round
     * @param rotated  the keys rotated
     * @param revoked  the replaced keys revoked after their grace period
     * @param failures one readable line per key that could not be rotated or revoked
     */
    public record Round(boolean ran, List<Rotation> rotated, List<String> revoked, List<String> failures) {
    }

    public RotationScheduler(ObjectStore store, RequestProcessor processor, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.uses = processor.objectUses();
    }

    /** A scheduler that runs a round every {@code period} (the first one after one period) until closed. */
    public static RotationScheduler start(ObjectStore store, RequestProcessor processor, Clock clock, Duration period) {
        RotationScheduler s = new RotationScheduler(store, processor, clock);
        s.every(period, s::runSafely);
        return s;
    }

    /**
     * A scheduler that runs no rounds (rotation is off on this node) but adds the uses the processor counted
     * to the store every {@code period}, so that the nodes that do rotate see them.
     */
    public static RotationScheduler startCountingOnly(ObjectStore store, RequestProcessor processor, Duration period) {
        RotationScheduler s = new RotationScheduler(store, processor, Clock.systemUTC());
        s.every(period, s::flushUses);
        return s;
    }

    private void every(Duration period, Runnable task) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyhold-rotation");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, period.toMillis());
        timer.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void runSafely() {
        try {
            Round r = runOnce();
            for (String f : r.failures()) {
                LOG.warn("rotation: {}", f);
            }
        } catch (RuntimeException | KmipException e) {
            LOG.warn("rotation round failed: {}", e.getMessage());
        }
    }

    /** Runs one round now, if no other node is running one: rotates what is due, revokes what is past its grace. */
    public Round runOnce() throws KmipException {
        flushUses();
        Optional<ObjectStore.Exclusive> hold = store.tryExclusive(TASK);
        if (hold.isEmpty()) {
            return new Round(false, List.of(), List.of(), List.of());
        }
        try (ObjectStore.Exclusive ignored = hold.get()) {
            List<Rotation> rotated = new ArrayList<>();
            List<String> revoked = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            Instant now = clock.instant();
            for (RotationSchedule.Planned p : store.read(tx -> RotationSchedule.due(tx, now, PER_QUERY))) {
                try {
                    rotate(p.object().uniqueIdentifier(), now).ifPresent(rotated::add);
                } catch (KmipException | RuntimeException e) {
                    failures.add("object " + p.object().uniqueIdentifier() + " was not rotated: " + e.getMessage());
                }
            }
            for (String uid : store.read(tx -> RotationSchedule.supersededCandidates(tx, PER_QUERY))) {
                try {
                    if (revokeIfPastGrace(uid, now)) {
                        revoked.add(uid);
                    }
                } catch (KmipException | RuntimeException e) {
                    failures.add("replaced object " + uid + " was not revoked: " + e.getMessage());
                }
            }
            return new Round(true, List.copyOf(rotated), List.copyOf(revoked), List.copyOf(failures));
        }
    }

    /**
     * Adds the uses the processor counted since the last flush to the store (a failure is logged and the uses
     * kept for the next flush); how many were added.
     */
    public long flushUses() {
        if (uses == null) {
            return 0;
        }
        try {
            return uses.flush(store);
        } catch (KmipException | RuntimeException e) {
            LOG.warn("rotation: the counted uses of objects could not be stored: {}", e.getMessage());
            return 0;
        }
    }

    private Optional<Rotation> rotate(String uid, Instant now) throws KmipException {
        Optional<RotationSchedule.Planned> planned = store.read(tx -> {
            List<RotationPolicy> policies = tx.rotationPolicies();
            return tx.get(uid).flatMap(o -> RotationSchedule.plan(tx, o, policies));
        });
        if (planned.isEmpty() || !planned.get().isDue(now)) {
            return Optional.empty(); // rotated meanwhile (by a client or another node), or no longer due
        }
        StoredObject old = planned.get().object();
        RotationSchedule.Rule rule = planned.get().rule();
        String why = why(planned.get());
        if (old.objectType() == ObjectType.SECRET_DATA.value()) {
            return Optional.of(rotateSecretData(planned.get(), now, why));
        }
        boolean pair = old.objectType() == ObjectType.PRIVATE_KEY.value();
        List<TtlvItem> fields = new ArrayList<>();
        fields.add(TtlvItem.text(pair ? Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER : Tag.UNIQUE_IDENTIFIER, uid));
        fields.add(TtlvItem.interval(Tag.OFFSET, rule.offsetSeconds()));
        TtlvItem answer = call(old.owner(), pair ? Operation.RE_KEY_KEY_PAIR : Operation.RE_KEY,
                TtlvItem.structure(Tag.REQUEST_PAYLOAD, fields));
        String created = answer.child(pair ? Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER : Tag.UNIQUE_IDENTIFIER)
                .filter(i -> i.type() == ItemType.TEXT_STRING).map(TtlvItem::textValue)
                .orElseThrow(() -> new IllegalStateException("the Re-key response names no new object"));
        store.write(tx -> {
            StoredObject replaced = tx.get(uid).orElseThrow();
            StoredObject replacement = tx.get(created).orElseThrow();
            long generation = record(tx, replaced, replacement, now);
            tx.appendAudit(AuditEvent.change(now, replaced.owner(), SOURCE, AUDIT_OPERATION, List.of(uid, created),
                    "rotated " + uid + " to " + created + " (Rotate Generation " + generation + ", " + why + ")"));
            return null;
        });
        return Optional.of(new Rotation(uid, created, rule.source(), planned.get().due(), planned.get().uses()));
    }

    /**
     * Replaces a Secret Data object: the new object, the old object's Link and Names, the rotation attributes on
     * both and the audit record, in one transaction, as the owner. The object is read again inside it and left
     * alone unless it is still the latest of its chain.
     */
    private Rotation rotateSecretData(RotationSchedule.Planned planned, Instant now, String why) throws KmipException {
        String uid = planned.object().uniqueIdentifier();
        String owner = planned.object().owner();
        try (ConnectionSession session = new ConnectionSession()) {
            OperationContext context = new OperationContext(KmipVersion.V2_1,
                    new RequestContext(new Identity(owner), SOURCE, session), clock, store,
                    new OperationContext.BatchState(), null);
            String created = store.write(tx -> {
                StoredObject old = tx.get(uid).filter(RotationSchedule::rotatable).orElseThrow(() ->
                        new KmipException(ResultReason.WRONG_KEY_LIFECYCLE_STATE, "it is no longer Active or the latest"
                                + " of its chain"));
                SecretDataRotation.Replacement r = secretData.replace(context, tx, old, planned.rule().offsetSeconds());
                String id = r.created().uniqueIdentifier();
                long generation = record(tx, r.replaced(), r.created(), now);
                tx.appendAudit(AuditEvent.change(now, owner, SOURCE, AUDIT_SECRET_DATA, List.of(uid, id),
                        "replaced Secret Data " + uid + " by " + id + " (Rotate Generation " + generation + ", " + why
                                + ")"));
                return id;
            });
            return new Rotation(uid, created, planned.rule().source(), planned.due(), planned.uses());
        }
    }

    /**
     * Sets Rotate Latest False on the replaced object and Rotate Latest True, Rotate Generation one more and Rotate
     * Date now on its replacement; returns the replacement's Rotate Generation.
     */
    private static long record(WriteTransaction tx, StoredObject replaced, StoredObject replacement, Instant now) {
        long at = now.getEpochSecond();
        long generation = replaced.attribute("Rotate Generation").filter(a -> a.value().type() == ItemType.INTEGER)
                .map(a -> (long) a.value().intValue()).orElse(0L) + 1;
        StoredObject before = Lifecycle.with(Lifecycle.with(replaced, TtlvItem.bool(Tag.ROTATE_LATEST, false)),
                TtlvItem.integer(Tag.ROTATE_GENERATION, (int) generation - 1));
        StoredObject after = Lifecycle.with(Lifecycle.with(Lifecycle.with(replacement,
                TtlvItem.bool(Tag.ROTATE_LATEST, true)), TtlvItem.integer(Tag.ROTATE_GENERATION, (int) generation)),
                TtlvItem.dateTime(Tag.ROTATE_DATE, at));
        tx.update(Lifecycle.touch(before, at));
        tx.update(Lifecycle.touch(after, at));
        return generation;
    }

    /** "policy payments, due 2026-03-01T00:00:00Z" or "policy p, 100 of 100 uses". */
    private static String why(RotationSchedule.Planned p) {
        List<String> parts = new ArrayList<>();
        parts.add(p.rule().source());
        if (p.due() != null) {
            parts.add("due " + p.due());
        }
        if (p.rule().maxUses() != null) {
            parts.add(p.uses() + " of " + p.rule().maxUses() + " uses");
        }
        return String.join(", ", parts);
    }

    private boolean revokeIfPastGrace(String uid, Instant now) throws KmipException {
        Optional<String> owner = store.read(tx -> {
            Optional<StoredObject> old = tx.get(uid);
            if (old.isEmpty() || old.get().owner().isEmpty()
                    || old.get().state() != io.keyhold.protocol.spec.State.ACTIVE.value()) {
                return Optional.empty();
            }
            Long grace = RotationSchedule.grace(old.get(), tx.rotationPolicies());
            Optional<StoredObject> replacement = RotationSchedule.replacement(old.get()).flatMap(tx::get);
            if (grace == null || replacement.isEmpty()) {
                return Optional.empty();
            }
            java.util.OptionalLong rotated = RotationSchedule.date(replacement.get(), "Rotate Date");
            if (rotated.isEmpty() || rotated.getAsLong() + grace > now.getEpochSecond()) {
                return Optional.empty();
            }
            return Optional.of(old.get().owner());
        });
        if (owner.isEmpty()) {
            return false;
        }
        call(owner.get(), Operation.REVOKE, TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid),
                TtlvItem.structure(Tag.REVOCATION_REASON,
                        TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, RevocationReasonCode.SUPERSEDED.value()),
                        TtlvItem.text(Tag.REVOCATION_MESSAGE, "superseded by scheduled rotation"))));
        return true;
    }

    /** Sends one KMIP 2.1 request as the owner and returns its Response Payload; a failure is a KmipException. */
    private TtlvItem call(String owner, Operation operation, TtlvItem payload) throws KmipException {
        RequestMessage request = new RequestMessage(RequestHeader.of(KmipVersion.V2_1, 1),
                List.of(RequestBatchItem.of(operation, payload)));
        byte[] answer;
        try (ConnectionSession session = new ConnectionSession()) {
            answer = processor.process(encoder.encode(request), new RequestContext(new Identity(owner), SOURCE, session));
        } catch (CodecException e) {
            throw new IllegalStateException(operation.specName() + " request cannot be encoded: " + e.getMessage(), e);
        }
        ResponseBatchItem item;
        try {
            item = ResponseMessage.from(decoder.decode(answer)).batchItems().get(0);
        } catch (CodecException e) {
            throw new IllegalStateException("the " + operation.specName() + " response cannot be read: " + e.getMessage(), e);
        }
        if (item.resultStatus() != ResultStatus.SUCCESS.value()) {
            ResultReason reason = item.resultReason() == null ? ResultReason.GENERAL_FAILURE
                    : ResultReason.fromValue(item.resultReason()).orElse(ResultReason.GENERAL_FAILURE);
            throw new KmipException(reason, operation.specName() + " failed: " + reason.specName()
                    + (item.resultMessage() == null ? "" : ": " + item.resultMessage()));
        }
        return item.payload() != null ? item.payload() : TtlvItem.structure(Tag.RESPONSE_PAYLOAD);
    }

    /** Stops the periodic rounds (a round in progress finishes). Idempotent. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdown();
            try {
                timer.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
