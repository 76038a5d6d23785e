package io.keyhold.server.dispatch;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.MessageEncoder;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseHeader;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.BatchErrorContinuationOption;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditRecorder;
import io.keyhold.server.audit.ItemAudit;
import io.keyhold.server.auth.AccessDenied;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.auth.PasswordAuthentication;
import io.keyhold.server.auth.RetiredCredentials;
import io.keyhold.server.auth.TicketSession;
import io.keyhold.server.auth.Tickets;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.pkcs11.Pkcs11Handler;
import io.keyhold.server.ops.server.CancelHandler;
import io.keyhold.server.ops.server.CreationRules;
import io.keyhold.server.ops.server.DelegatedLoginHandler;
import io.keyhold.server.ops.server.DiscoverVersionsHandler;
import io.keyhold.server.ops.server.GetConstraintsHandler;
import io.keyhold.server.ops.server.InteropHandler;
import io.keyhold.server.ops.server.LogHandler;
import io.keyhold.server.ops.server.LoginHandler;
import io.keyhold.server.ops.server.LogoutHandler;
import io.keyhold.server.ops.server.PingHandler;
import io.keyhold.server.ops.server.PollHandler;
import io.keyhold.server.ops.server.ProcessHandler;
import io.keyhold.server.ops.server.QueryAsynchronousRequestsHandler;
import io.keyhold.server.ops.server.QueryHandler;
import io.keyhold.server.ops.server.SetConstraintsHandler;
import io.keyhold.server.ops.server.SetDefaultsHandler;
import io.keyhold.server.ops.server.SetEndpointRoleHandler;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.WriteTransaction;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KMIP request processor: decodes a request message, runs each batch item through its operation's
 * handler and encodes the answer in the request's protocol version (KMIP 1.4 sections 6-7, 2.1 sections
 * 6-8).
 *
 * <p>Failures become responses here and nowhere else: a {@link KmipException} from a handler becomes
 * Operation Failed with its reason (mapped to one the request's version has, see {@link ResultReasons})
 * and message; any other exception becomes General Failure with a generic message and a reference id,
 * the cause going only to the server log. Batches honour Batch Error Continuation Option (Stop, Continue,
 * Undo, the last in one store transaction), the ID Placeholder, Maximum Response Size and the
 * Asynchronous Indicator (answered Operation Pending, executed in the background, collected with Poll).
 * Items always run in order, which satisfies every Batch Order Option.
 *
 * <p>Every batch item that runs gets one audit record ({@link AuditRecorder}), and so does every message
 * refused before any item ran. An item that changes the store gets its record in the transaction of the
 * change (see {@link OperationContext#write}); the items of an Undo batch get theirs in the batch's
 * transaction, and after a rollback each gets a record of its final outcome on its own.
 *
 * <p>The server-level operations (Discover Versions, Query, Poll, Cancel, Log, Ping, Interop, Set Endpoint
 * Role, Set Defaults, Set and Get Constraints, Query Asynchronous Requests, Process, PKCS#11, and Login,
 * Logout and Delegated Login over the dispatcher's {@link Tickets}) are added by the dispatcher itself,
 * since they answer from its own state; pass the object and attribute handlers. A request authenticated by
 * a ticket runs as the ticket's identity, each item only where the ticket's rights allow it
 * ({@link TicketSession}); a request with a scope (an API token's) likewise only within it
 * ({@link RequestContext#scoped}). The Object Defaults and Constraints ({@link CreationRules}), kept in the
 * store, are applied by Create, Create Key Pair and Register on every connection the dispatcher serves.
 */
public final class KmipDispatcher implements RequestProcessor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KmipDispatcher.class);
    private static final VersionRules RULES = VersionRules.standard();
    private static final VersionFit FIT = new VersionFit(RULES);

    private final ObjectStore store;
    private final Clock clock;
    private final DispatcherSettings settings;
    private final Map<Integer, OperationHandler> handlers = new LinkedHashMap<>();
    private final AsyncResults async;
    private final ThreadPoolExecutor executor;
    private final AuditRecorder recorder;
    private final TtlvDecoder decoder = new TtlvDecoder();
    private final MessageEncoder encoder = new MessageEncoder();
    private final AccessPolicy access;
    private final PasswordAuthentication authentication;
    private final Tickets tickets;
    private final RetiredCredentials retired;
    private final CreationRules creationRules = new CreationRules();
    private volatile DispatchObserver observer = DispatchObserver.NONE;
    private final ObjectUses objectUses = new ObjectUses();

    public KmipDispatcher(ObjectStore store, Clock clock, Collection<OperationHandler> handlers) {
        this(store, clock, handlers, DispatcherSettings.defaults());
    }

    /** A dispatcher with the default access policy (owners and stored grants) and credentials ignored. */
    public KmipDispatcher(ObjectStore store, Clock clock, Collection<OperationHandler> handlers, DispatcherSettings settings) {
        this(store, clock, handlers, settings, AccessPolicy.DEFAULT, PasswordAuthentication.disabled());
    }

    /**
     * @param access         who may use which object, handed to every handler
     * @param authentication how the request header's credentials name the client
     */
    public KmipDispatcher(ObjectStore store, Clock clock, Collection<OperationHandler> handlers, DispatcherSettings settings,
                          AccessPolicy access, PasswordAuthentication authentication) {
        this(store, clock, handlers, settings, access, authentication, false);
    }

    /**
     * As above; with {@code durableAuditReads} (audit.durable_reads) an item that changes nothing is
     * answered only once its audit record is durable, otherwise as soon as the record is queued.
     */
    public KmipDispatcher(ObjectStore store, Clock clock, Collection<OperationHandler> handlers, DispatcherSettings settings,
                          AccessPolicy access, PasswordAuthentication authentication, boolean durableAuditReads) {
        this(store, clock, handlers, settings, access, authentication, durableAuditReads, Tickets.DEFAULT_LIMITS);
    }

    /** As above, with the limits of the tickets of Login and Delegated Login ({@code access.ticket_max_lease}). */
    public KmipDispatcher(ObjectStore store, Clock clock, Collection<OperationHandler> handlers, DispatcherSettings settings,
                          AccessPolicy access, PasswordAuthentication authentication, boolean durableAuditReads,
                          Tickets.Limits ticketLimits) {
        this(store, clock, handlers, settings, access, authentication, durableAuditReads, ticketLimits,
                new RetiredCredentials(store, clock));
    }

    /**
     * As above, refusing the client certificates that Re-Provision replaced as {@code retired} knows them (the
     * instance the Re-Provision handler among {@code handlers} records them in).
     */
    public KmipDispatcher(ObjectStore store, Clock clock, Collection<OperationHandler> handlers, DispatcherSettings settings,
                          AccessPolicy access, PasswordAuthentication authentication, boolean durableAuditReads,
                          Tickets.Limits ticketLimits, RetiredCredentials retired) {
        this.retired = java.util.Objects.requireNonNull(retired, "retired");
        this.access = java.util.Objects.requireNonNull(access, "access");
        this.authentication = java.util.Objects.requireNonNull(authentication, "authentication");
        this.store = store;
        this.recorder = new AuditRecorder(store, clock, durableAuditReads);
        this.clock = clock;
        this.tickets = new Tickets(store, clock, new java.security.SecureRandom(), ticketLimits);
        this.settings = settings;
        this.async = new AsyncResults(settings.asyncMaxOutstanding(), settings.asyncRetention(), clock);
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.asyncThreads(), settings.asyncThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(16, settings.asyncMaxOutstanding() / 4)), r -> {
                    Thread t = new Thread(r, "keyhold-async-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        for (OperationHandler h : handlers) {
            if (this.handlers.putIfAbsent(h.operation().value(), h) != null) {
                throw new IllegalArgumentException("two handlers for " + h.operation().specName());
            }
        }
        List<OperationHandler> builtIn = List.of(
                new DiscoverVersionsHandler(settings.supportedVersions()),
                new QueryHandler(settings, this::registeredOperations),
                new PollHandler(async),
                new CancelHandler(async),
                new LogHandler(),
                new PingHandler(),
                new InteropHandler(),
                new LoginHandler(tickets),
                new LogoutHandler(tickets),
                new DelegatedLoginHandler(tickets),
                new SetEndpointRoleHandler(),
                new SetDefaultsHandler(),
                new SetConstraintsHandler(),
                new GetConstraintsHandler(),
                new QueryAsynchronousRequestsHandler(async),
                new ProcessHandler(async),
                new Pkcs11Handler(settings.serverVersion()));
        for (OperationHandler h : builtIn) {
            this.handlers.putIfAbsent(h.operation().value(), h);
        }
    }

    /** The client certificates Re-Provision replaced, as this dispatcher refuses them. */
    public RetiredCredentials retiredCredentials() {
        return retired;
    }

    /** The operations with a handler, in enumeration order. */
    public Set<Operation> registeredOperations() {
        Set<Operation> out = new TreeSet<>((a, b) -> Integer.compare(a.value(), b.value()));
        for (int v : handlers.keySet()) {
            Operation.fromValue(v).ifPresent(out::add);
        }
        return out;
    }

    /** The tickets of Login and Delegated Login, kept in the store (shared by every node on one database). */
    public Tickets tickets() {
        return tickets;
    }

    /** Tells {@code observer} the outcome of every batch item and refused message from now on (null: nobody). */
    public void observer(DispatchObserver observer) {
        this.observer = observer == null ? DispatchObserver.NONE : observer;
    }

    /** The uses of objects as keys counted by this dispatcher (flushed to the store by the rotation scheduler). */
    @Override
    public ObjectUses objectUses() {
        return objectUses;
    }

    /** The store of background results (for tests and monitoring). */
    public AsyncResults asyncResults() {
        return async;
    }

    /**
     * One short read or symmetric operation ({@link QuickRequests}) on a store that reads locally ({@link
     * ObjectStore#readsLocally}). Such a request may still write now and then (a Get that finds a lifecycle
     * date come, an Encrypt counting a Usage Limit) and then waits for that commit.
     */
    @Override
    public boolean quick(byte[] request) {
        return store.readsLocally() && QuickRequests.quick(request);
    }

    @Override
    public byte[] process(byte[] request, RequestContext context) {
        context.session().values().putIfAbsent(CreationRules.SESSION_KEY, creationRules);
        try {
            return processMessage(request, context);
        } catch (RuntimeException | Error e) {
            String ref = reference();
            LOG.error("request from {} failed, reference {}: {}", context.remoteAddress(), ref, Failures.describe(e));
            return refuse(context, null, KmipVersion.V1_0, ResultReason.GENERAL_FAILURE, genericMessage(ref));
        }
    }

    @Override
    public byte[] failure(ResultReason reason, String message) {
        return messageFailure(KmipVersion.V1_0, reason, message);
    }

    @Override
    public byte[] reject(byte[] request, RequestContext context, ResultReason reason, String message) {
        KmipVersion requested = peekVersion(request).orElse(null);
        record(context, requested, ResultReasons.forVersion(reason,
                answerVersion(requested == null ? KmipVersion.V1_0 : requested)));
        return reject(request, reason, message);
    }

    @Override
    public byte[] reject(byte[] request, ResultReason reason, String message) {
        RequestMessage m;
        try {
            m = RequestMessage.from(decoder.decode(request));
        } catch (CodecException | KmipException e) {
            return messageFailure(answerVersion(peekVersion(request).orElse(KmipVersion.V1_0)), reason, message);
        }
        KmipVersion version = answerVersion(m.header().protocolVersion());
        if (m.batchItems().isEmpty() || (settings.maxBatchItems() > 0 && m.batchItems().size() > settings.maxBatchItems())) {
            return messageFailure(version, reason, message);
        }
        ResultReason r = ResultReasons.forVersion(reason, version);
        List<ResponseBatchItem> items = new ArrayList<>(m.batchItems().size());
        for (RequestBatchItem item : m.batchItems()) {
            items.add(ResponseBatchItem.failure(item.operationValue(), item.uniqueBatchItemId(), r, message));
        }
        try {
            return encoder.encode(new ResponseMessage(
                    ResponseHeader.of(version, clock.instant().getEpochSecond(), items.size()), items));
        } catch (CodecException e) {
            return messageFailure(version, reason, message);
        }
    }

    /**
     * Stops the background executor (pending asynchronous items are abandoned) and adds the uses counted
     * since the last flush to the store.
     */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            objectUses.flush(store);
        } catch (KmipException | RuntimeException e) {
            LOG.warn("the counted uses of objects could not be stored at shutdown: {}", e.getMessage());
        }
    }

    private byte[] processMessage(byte[] request, RequestContext context) {
        TtlvItem tree;
        try {
            tree = decoder.decode(request);
        } catch (CodecException e) {
            KmipVersion v = answerVersion(peekVersion(request).orElse(KmipVersion.V1_0));
            LOG.debug("undecodable request from {}: {}", context.remoteAddress(), e.getMessage());
            return refuse(context, peekVersion(request).orElse(null), v, ResultReason.INVALID_MESSAGE,
                    "malformed message: " + e.getMessage());
        }
        RequestMessage message;
        try {
            message = RequestMessage.from(tree);
        } catch (KmipException e) {
            KmipVersion v = answerVersion(treeVersion(tree).orElse(KmipVersion.V1_0));
            LOG.debug("invalid request from {}: {}", context.remoteAddress(), e.getMessage());
            return refuse(context, treeVersion(tree).orElse(null), v, e.reason(), e.getMessage());
        }
        RequestHeader header = message.header();
        KmipVersion requested = header.protocolVersion();
        KmipVersion version = requested;
        if (!settings.supports(requested)) {
            version = answerVersion(requested);
            boolean onlyDiscover = message.batchItems().stream()
                    .allMatch(i -> i.operationValue() == Operation.DISCOVER_VERSIONS.value());
            if (!onlyDiscover || !RULES.hasOperation(Operation.DISCOVER_VERSIONS.value(), version)) {
                return refuse(context, requested, version, ResultReason.INVALID_MESSAGE, "protocol version " + requested
                        + " is not supported (supported: " + versionList() + ")");
            }
        }
        Integer option = header.batchErrorContinuationOption();
        if (option != null && BatchErrorContinuationOption.fromValue(option).isEmpty()) {
            return refuse(context, requested, version, ResultReason.INVALID_MESSAGE,
                    "Batch Error Continuation Option " + option + " is unknown");
        }
        BatchErrorContinuationOption onError = option == null ? BatchErrorContinuationOption.STOP
                : BatchErrorContinuationOption.fromValue(option).orElseThrow();
        int count = message.batchItems().size();
        if (settings.maxBatchItems() > 0 && count > settings.maxBatchItems()) {
            LOG.debug("request from {} with {} batch items refused", context.remoteAddress(), count);
            return refuse(context, requested, version, ResultReason.INVALID_MESSAGE, "batch of " + count
                    + " items exceeds the limit of " + settings.maxBatchItems() + " items");
        }
        try {
            PasswordAuthentication.Authenticated who = authentication.authenticate(context.identity(),
                    header.authentication(), context.remoteAddress(), tickets);
            if (!who.identity().equals(context.identity()) || who.ticket().isPresent()) {
                if (context.scope().restricted()) {
                    return refuse(context, requested, version, ResultReason.PERMISSION_DENIED, "a request limited by a"
                            + " scope cannot present the credential of another identity or a ticket");
                }
                context = new RequestContext(who.identity(), context.remoteAddress(), context.session(),
                        who.ticket().orElse(null));
            }
        } catch (KmipException e) {
            return refuse(context, requested, version, e.reason(), e.getMessage()); // no item runs
        }

        List<ResponseBatchItem> items;
        if (Boolean.TRUE.equals(header.asynchronousIndicator()) && message.batchItems().stream().noneMatch(
                i -> i.operationValue() == Operation.POLL.value() || i.operationValue() == Operation.CANCEL.value())) {
            items = startAsynchronous(message.batchItems(), version, context, onError);
        } else {
            items = runBatch(message.batchItems(), version, context, onError, null);
        }
        return encodeResponse(header, version, items, context);
    }

    // ---- batches

    private List<ResponseBatchItem> runBatch(List<RequestBatchItem> items, KmipVersion version, RequestContext context,
                                             BatchErrorContinuationOption onError, List<AsyncResults.Entry> entries) {
        OperationContext.BatchState batch = new OperationContext.BatchState();
        if (onError == BatchErrorContinuationOption.UNDO && items.size() > 1) {
            return runUndoable(items, version, context, batch, entries);
        }
        List<ResponseBatchItem> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            RequestBatchItem item = items.get(i);
            ItemAudit audit = recorder.item(context, version, operationName(item));
            long started = System.nanoTime();
            ResponseBatchItem r = runItemUnlessCanceled(item, version, context, batch, null, entries, i, audit);
            r = recorded(audit, r, context);
            observe(item, r, started);
            out.add(r);
            if (isFailure(r) && onError == BatchErrorContinuationOption.STOP) {
                break;
            }
        }
        return out;
    }

    /** Undo: every item in one write transaction, rolled back as a whole when one fails. */
    private List<ResponseBatchItem> runUndoable(List<RequestBatchItem> items, KmipVersion version, RequestContext context,
                                                OperationContext.BatchState batch, List<AsyncResults.Entry> entries) {
        List<ResponseBatchItem> out = new ArrayList<>(items.size());
        List<ItemAudit> audits = new ArrayList<>(items.size());
        long started = System.nanoTime();
        try {
            // a ticket's Usage Limits cannot be drawn inside the batch's transaction: its rollback would undo them
            context.ticketSession().ifPresent(t -> t.drawForBatch(items.stream()
                    .filter(i -> i.operationValue() != Operation.LOGOUT.value()).count()));
            store.write(tx -> {
                for (int i = 0; i < items.size(); i++) {
                    RequestBatchItem item = items.get(i);
                    ItemAudit audit = recorder.item(context, version, operationName(item));
                    audits.add(audit);
                    ResponseBatchItem r = runItemUnlessCanceled(item, version, context, batch, tx, entries, i, audit);
                    out.add(r);
                    if (isFailure(r)) {
                        throw new Rollback();
                    }
                    if (!audit.recorded()) {
                        recorder.appendInside(tx, audit, status(r), r.resultReason());
                    }
                }
                return null;
            });
            return observe(items, out, started);
        } catch (Rollback rollback) {
            List<ResponseBatchItem> undone = new ArrayList<>(out.size());
            for (ResponseBatchItem r : out) {
                undone.add(isFailure(r) ? r : new ResponseBatchItem(r.operationValue(), r.uniqueBatchItemId(),
                        ResultStatus.OPERATION_UNDONE.value(), null, null, null, r.payload(), null));
            }
            recordAlone(audits, undone, context);
            return observe(items, undone, started);
        } catch (KmipException | RuntimeException e) {
            // the commit itself failed: nothing was stored
            String ref = reference();
            LOG.error("batch transaction from {} failed, reference {}: {}", context.remoteAddress(), ref, Failures.describe(e));
            // every item fails, also those that never ran (the ticket's draw or the transaction's start failed)
            List<ResponseBatchItem> failed = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                RequestBatchItem item = items.get(i);
                if (i >= audits.size()) {
                    audits.add(recorder.item(context, version, operationName(item)));
                }
                failed.add(ResponseBatchItem.failure(item.operationValue(), item.uniqueBatchItemId(),
                        ResultReasons.forVersion(ResultReason.GENERAL_FAILURE, version), genericMessage(ref)));
            }
            recordAlone(audits.subList(0, failed.size()), failed, context);
            return observe(items, failed, started);
        }
    }

    /** Records an item that ran on its own; when its record cannot be stored, the item fails instead. */
    private ResponseBatchItem recorded(ItemAudit audit, ResponseBatchItem r, RequestContext context) {
        try {
            recorder.finish(audit, status(r), r.resultReason());
            return r;
        } catch (KmipException | RuntimeException e) {
            String ref = reference();
            LOG.error("audit record of an item from {} could not be stored, reference {}: {}", context.remoteAddress(),
                    ref, Failures.describe(e));
            return ResponseBatchItem.failure(r.operationValue(), r.uniqueBatchItemId(), ResultReason.GENERAL_FAILURE,
                    genericMessage(ref));
        }
    }

    /** Records the final outcome of the items of an Undo batch whose transaction did not commit. */
    private void recordAlone(List<ItemAudit> audits, List<ResponseBatchItem> results, RequestContext context) {
        List<ResultStatus> statuses = new ArrayList<>(results.size());
        List<Integer> reasons = new ArrayList<>(results.size());
        for (ResponseBatchItem r : results) {
            statuses.add(status(r));
            reasons.add(r.resultReason());
        }
        try {
            recorder.recordAlone(audits, statuses, reasons);
        } catch (KmipException | RuntimeException e) {
            LOG.error("audit records of an undone batch from {} could not be stored: {}", context.remoteAddress(),
                    Failures.describe(e));
        }
    }

    /** Tells the observer how an item ended. */
    private void observe(RequestBatchItem item, ResponseBatchItem r, long started) {
        objectUses.itemDone(item.operation().orElse(null), r);
        DispatchObserver o = observer;
        if (o == DispatchObserver.NONE) {
            return;
        }
        try {
            o.itemDone(item.operation().orElse(null), status(r),
                    r.resultReason() == null ? null : ResultReason.fromValue(r.resultReason()).orElse(null),
                    System.nanoTime() - started);
        } catch (RuntimeException e) {
            LOG.warn("the dispatch observer failed: {}", e.toString());
        }
    }

    /** Tells the observer how the items of a batch that ran as a whole ended; returns the results. */
    private List<ResponseBatchItem> observe(List<RequestBatchItem> items, List<ResponseBatchItem> results,
                                            long started) {
        for (int i = 0; i < results.size(); i++) {
            observe(items.get(i), results.get(i), started);
        }
        return results;
    }

    /** Records a message refused as a whole and answers it; {@code requested} is null when unreadable. */
    private byte[] refuse(RequestContext context, KmipVersion requested, KmipVersion answer, ResultReason reason,
                          String message) {
        record(context, requested, ResultReasons.forVersion(reason, answer));
        return messageFailure(answer, reason, message);
    }

    private void record(RequestContext context, KmipVersion requested, ResultReason reason) {
        try {
            observer.messageRefused(reason);
        } catch (RuntimeException e) {
            LOG.warn("the dispatch observer failed: {}", e.toString());
        }
        try {
            recorder.refused(context, requested, reason);
        } catch (KmipException | RuntimeException e) {
            LOG.error("audit record of a refused message from {} could not be stored: {}", context.remoteAddress(),
                    Failures.describe(e));
        }
    }

    private ResponseBatchItem runItemUnlessCanceled(RequestBatchItem item, KmipVersion version, RequestContext context,
                                                    OperationContext.BatchState batch, WriteTransaction tx,
                                                    List<AsyncResults.Entry> entries, int index, ItemAudit audit) {
        if (entries != null && !entries.get(index).start()) {
            return ResponseBatchItem.failure(operationField(item, version), item.uniqueBatchItemId(),
                    ResultReason.OPERATION_CANCELED_BY_REQUESTER, "canceled by the client");
        }
        return runItem(item, version, context, batch, tx, audit);
    }

    private ResponseBatchItem runItem(RequestBatchItem item, KmipVersion version, RequestContext context,
                                      OperationContext.BatchState batch, WriteTransaction tx, ItemAudit audit) {
        Integer opField = operationField(item, version);
        byte[] ubid = item.uniqueBatchItemId();
        OperationHandler handler = handlers.get(item.operationValue());
        String opName = operationName(item);
        ResponseBatchItem result;
        boolean inVersion = RULES.hasOperation(item.operationValue(), version);
        if (!inVersion || handler == null) {
            result = ResponseBatchItem.failure(opField, ubid, ResultReason.OPERATION_NOT_SUPPORTED,
                    !inVersion && item.operation().isPresent()
                    ? "operation " + opName + " does not exist in KMIP " + version
                    : "operation " + opName + " is not supported by this server");
        } else if (item.messageExtension() != null && item.messageExtension().critical()) {
            result = ResponseBatchItem.failure(opField, ubid, ResultReasons.forVersion(ResultReason.UNKNOWN_MESSAGE_EXTENSION, version),
                    "critical Message Extension of vendor '" + printable(item.messageExtension().vendorIdentification())
                            + "' is not supported");
        } else {
            result = execute(handler, item, opField, ubid, version, context, batch, tx, audit);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} from {} ({}): {}{}", opName, context.identity(), context.remoteAddress(),
                    ResultStatus.fromValue(result.resultStatus()).map(ResultStatus::specName).orElse("?"),
                    result.resultReason() == null ? "" : " / " + ResultReason.fromValue(result.resultReason())
                            .map(ResultReason::specName).orElse("?"));
        }
        return result;
    }

    private ResponseBatchItem execute(OperationHandler handler, RequestBatchItem item, Integer opField, byte[] ubid,
                                      KmipVersion version, RequestContext context, OperationContext.BatchState batch,
                                      WriteTransaction tx, ItemAudit audit) {
        OperationContext oc = new OperationContext(version, context, clock, store, batch, tx, handler.operation(),
                access.within(context.rights()), audit);
        try {
            FIT.requireRequestWithin(item.payload(), version);
            Optional<KmipException> replaced = retired.refusal(context.session().linkCredential(), handler.operation(),
                    item.payload());
            if (replaced.isPresent()) {
                throw replaced.get();
            }
            Optional<KmipException> refused = context.refusal(handler.operation()); // a ticket's rights or a scope
            if (refused.isPresent()) {
                throw refused.get();
            }
            if (handler instanceof ItemResultHandler full) {
                ItemResult r = full.execute(oc, item.payload());
                if (r.status() == ResultStatus.OPERATION_FAILED) {
                    return failed(opField, ubid, r.reason(), r.message(), version);
                }
                requireAnswerWithin(r.payload(), version);
                return new ResponseBatchItem(opField, ubid, r.status().value(), null, null,
                        r.asynchronousCorrelationValue(), r.payload(), null);
            }
            TtlvItem payload = handler.handle(oc, item.payload());
            requireAnswerWithin(payload, version);
            return new ResponseBatchItem(opField, ubid, ResultStatus.SUCCESS.value(), null, null, null, payload, null);
        } catch (KmipException e) {
            if (e instanceof AccessDenied) {
                audit.denied(); // answered as missing; only the record tells
            }
            return failed(opField, ubid, e.reason(), e.getMessage(), version);
        } catch (RuntimeException e) {
            String ref = reference();
            LOG.error("{} from {} failed, reference {}: {}", handler.operation().specName(), context.identity(), ref,
                    Failures.describe(e));
            return ResponseBatchItem.failure(opField, ubid, ResultReason.GENERAL_FAILURE, genericMessage(ref));
        }
    }

    /** A payload the version cannot carry fails its item here, instead of failing the whole response's encoding. */
    private static void requireAnswerWithin(TtlvItem payload, KmipVersion version) throws KmipException {
        Optional<KmipException> outside = FIT.responseOutside(payload, version);
        if (outside.isPresent()) {
            throw outside.get();
        }
    }

    private static ResponseBatchItem failed(Integer opField, byte[] ubid, ResultReason reason, String message,
                                            KmipVersion version) {
        ResultReason r = ResultReasons.forVersion(reason == null ? ResultReason.GENERAL_FAILURE : reason, version);
        String text = message == null || message.isBlank() ? r.specName() : message;
        return ResponseBatchItem.failure(opField, ubid, r, text);
    }

    // ---- asynchronous requests

    private List<ResponseBatchItem> startAsynchronous(List<RequestBatchItem> items, KmipVersion version,
                                                      RequestContext context, BatchErrorContinuationOption onError) {
        List<AsyncResults.Entry> entries = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Optional<AsyncResults.Entry> e = async.register(context.identity().name(), items.get(i).operationValue());
            if (e.isEmpty()) {
                entries.forEach(async::remove);
                LOG.warn("asynchronous result limit reached; answering {} synchronously", context.identity());
                return runBatch(items, version, context, onError, null);
            }
            entries.add(e.get());
        }
        try {
            executor.execute(() -> completeInBackground(items, version, context, onError, entries));
        } catch (RejectedExecutionException e) {
            entries.forEach(async::remove);
            LOG.warn("asynchronous executor full; answering {} synchronously", context.identity());
            return runBatch(items, version, context, onError, null);
        }
        List<ResponseBatchItem> out = new ArrayList<>(items.size());
        long started = System.nanoTime();
        for (int i = 0; i < items.size(); i++) {
            RequestBatchItem item = items.get(i);
            out.add(new ResponseBatchItem(operationField(item, version), item.uniqueBatchItemId(),
                    ResultStatus.OPERATION_PENDING.value(), null, null, entries.get(i).correlationValue(), null, null));
        }
        return observe(items, out, started);
    }

    private void completeInBackground(List<RequestBatchItem> items, KmipVersion version, RequestContext context,
                                      BatchErrorContinuationOption onError, List<AsyncResults.Entry> entries) {
        List<ResponseBatchItem> results;
        try {
            results = runBatch(items, version, context, onError, entries);
        } catch (RuntimeException | Error e) {
            String ref = reference();
            LOG.error("asynchronous batch from {} failed, reference {}: {}", context.identity(), ref, Failures.describe(e));
            results = List.of();
            for (AsyncResults.Entry entry : entries) {
                entry.complete(new ItemResult(ResultStatus.OPERATION_FAILED, ResultReason.GENERAL_FAILURE,
                        genericMessage(ref), null, null));
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            if (i < results.size()) {
                ResponseBatchItem r = results.get(i);
                entries.get(i).complete(new ItemResult(ResultStatus.fromValue(r.resultStatus()).orElseThrow(),
                        r.resultReason() == null ? null : ResultReason.fromValue(r.resultReason()).orElseThrow(),
                        r.resultMessage(), null, r.payload()));
            } else {
                entries.get(i).complete(new ItemResult(ResultStatus.OPERATION_FAILED, ResultReason.GENERAL_FAILURE,
                        "not executed: an earlier item of the batch failed", null, null));
            }
        }
    }

    // ---- encoding

    private byte[] encodeResponse(RequestHeader header, KmipVersion version, List<ResponseBatchItem> items,
                                  RequestContext context) {
        String clientCorrelation = version.isAtLeast(KmipVersion.V1_4) && RULES.hasTag(Tag.CLIENT_CORRELATION_VALUE, version)
                ? header.clientCorrelationValue() : null;
        byte[] encoded = encode(version, clientCorrelation, items, context);
        Integer max = header.maximumResponseSize();
        if (max != null && encoded.length > max) {
            List<ResponseBatchItem> tooLarge = new ArrayList<>(items.size());
            for (ResponseBatchItem r : items) {
                tooLarge.add(ResponseBatchItem.failure(r.operationValue(), r.uniqueBatchItemId(),
                        ResultReason.RESPONSE_TOO_LARGE, "response of " + encoded.length
                                + " bytes exceeds the Maximum Response Size of " + max));
            }
            encoded = encode(version, clientCorrelation, tooLarge, context);
        }
        return encoded;
    }

    private byte[] encode(KmipVersion version, String clientCorrelation, List<ResponseBatchItem> items,
                          RequestContext context) {
        ResponseHeader header = new ResponseHeader(version, clock.instant().getEpochSecond(), null, List.of(),
                clientCorrelation, null, items.size());
        try {
            return encoder.encode(new ResponseMessage(header, items));
        } catch (CodecException e) {
            // a handler produced something the version does not have: a server defect, not the client's
            String ref = reference();
            LOG.error("response to {} cannot be encoded in KMIP {}, reference {}: {}", context.identity(), version, ref,
                    e.getMessage());
            List<ResponseBatchItem> failed = new ArrayList<>(items.size());
            for (ResponseBatchItem r : items) {
                failed.add(ResponseBatchItem.failure(r.operationValue(), r.uniqueBatchItemId(),
                        ResultReason.GENERAL_FAILURE, genericMessage(ref)));
            }
            ResponseHeader h = new ResponseHeader(version, header.timeStamp(), null, List.of(), clientCorrelation, null,
                    failed.size());
            try {
                return encoder.encode(new ResponseMessage(h, failed));
            } catch (CodecException again) {
                return failure(ResultReason.GENERAL_FAILURE, genericMessage(ref));
            }
        }
    }

    /**
     * A response for a message that could not be processed as a whole: one batch item without Operation
     * (the error handling the specification prescribes for a message-level failure).
     */
    private byte[] messageFailure(KmipVersion version, ResultReason reason, String message) {
        ResultReason r = ResultReasons.forVersion(reason, version);
        ResponseBatchItem item = ResponseBatchItem.failure(null, null, r,
                message == null || message.isBlank() ? r.specName() : message);
        ResponseHeader header = ResponseHeader.of(version, clock.instant().getEpochSecond(), 1);
        try {
            return encoder.encode(new ResponseMessage(header, List.of(item)));
        } catch (CodecException e) {
            throw new IllegalStateException("cannot encode a failure response", e);
        }
    }

    // ---- versions

    /** The version to answer a request of this version in: itself if served, else the highest served below it, else 1.0. */
    KmipVersion answerVersion(KmipVersion requested) {
        if (settings.supports(requested)) {
            return requested;
        }
        KmipVersion best = null;
        for (KmipVersion v : settings.supportedVersions()) {
            if (v.compareTo(requested) < 0 && (best == null || v.compareTo(best) > 0)) {
                best = v;
            }
        }
        return best != null ? best : KmipVersion.V1_0;
    }

    private String versionList() {
        StringBuilder sb = new StringBuilder();
        for (KmipVersion v : settings.supportedVersions()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(v);
        }
        return sb.toString();
    }

    /** Reads the Protocol Version from the raw bytes when the message starts the usual way. */
    static Optional<KmipVersion> peekVersion(byte[] m) {
        if (m == null || m.length < 56) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(m);
        if (tagAt(b, 0) != Tag.REQUEST_MESSAGE || tagAt(b, 8) != Tag.REQUEST_HEADER || tagAt(b, 16) != Tag.PROTOCOL_VERSION
                || tagAt(b, 24) != Tag.PROTOCOL_VERSION_MAJOR || tagAt(b, 40) != Tag.PROTOCOL_VERSION_MINOR
                || m[27] != 0x02 || m[43] != 0x02) {
            return Optional.empty();
        }
        int major = b.getInt(32);
        int minor = b.getInt(48);
        return major >= 0 && minor >= 0 ? Optional.of(new KmipVersion(major, minor)) : Optional.empty();
    }

    private static int tagAt(ByteBuffer b, int offset) {
        return ((b.get(offset) & 0xff) << 16) | ((b.get(offset + 1) & 0xff) << 8) | (b.get(offset + 2) & 0xff);
    }

    private static Optional<KmipVersion> treeVersion(TtlvItem tree) {
        if (!tree.isStructure()) {
            return Optional.empty();
        }
        return tree.child(Tag.REQUEST_HEADER).filter(TtlvItem::isStructure)
                .flatMap(h -> h.child(Tag.PROTOCOL_VERSION)).filter(TtlvItem::isStructure)
                .flatMap(pv -> {
                    Optional<TtlvItem> major = pv.child(Tag.PROTOCOL_VERSION_MAJOR).filter(i -> i.type() == ItemType.INTEGER);
                    Optional<TtlvItem> minor = pv.child(Tag.PROTOCOL_VERSION_MINOR).filter(i -> i.type() == ItemType.INTEGER);
                    if (major.isEmpty() || minor.isEmpty() || major.get().intValue() < 0 || minor.get().intValue() < 0) {
                        return Optional.empty();
                    }
                    return Optional.of(new KmipVersion(major.get().intValue(), minor.get().intValue()));
                });
    }

    // ---- small helpers

    /**
     * The Operation to echo: the request's, unless it is a known operation newer than the version (which
     * the version cannot carry); unknown and extension values are echoed as sent.
     */
    private static Integer operationField(RequestBatchItem item, KmipVersion version) {
        int op = item.operationValue();
        return RULES.hasOperation(op, version) || Operation.fromValue(op).isEmpty() ? op : null;
    }

    private static String operationName(RequestBatchItem item) {
        return item.operation().map(Operation::specName).orElseGet(() -> String.format("0x%08X", item.operationValue()));
    }

    private static ResultStatus status(ResponseBatchItem r) {
        return ResultStatus.fromValue(r.resultStatus()).orElse(ResultStatus.OPERATION_FAILED);
    }

    private static boolean isFailure(ResponseBatchItem r) {
        return r.resultStatus() == ResultStatus.OPERATION_FAILED.value();
    }

    private static String reference() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static String genericMessage(String ref) {
        return "internal error; see the server log, reference " + ref;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    /** Thrown inside the Undo transaction to roll it back; never leaves this class. */
    private static final class Rollback extends KmipException {
        private static final long serialVersionUID = 1L;

        Rollback() {
            super(ResultReason.GENERAL_FAILURE, "batch undone");
        }
    }
}
