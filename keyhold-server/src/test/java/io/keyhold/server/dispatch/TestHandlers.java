package io.keyhold.server.dispatch;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.ops.ManagedObjects;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Small handlers standing in for the object operations in dispatcher tests. */
final class TestHandlers {
    private TestHandlers() {}

    /** "Create": stores a key whose identifier is the payload's Unique Identifier, sets the ID Placeholder. */
    static OperationHandler create() {
        return handler(Operation.CREATE, (context, payload) -> {
            String uid = payload.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
            context.write(tx -> {
                tx.insert(DispatcherFixture.key(uid, context.identity().name()));
                return null;
            });
            context.idPlaceholder(uid);
            return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid));
        });
    }

    /** "Activate": always fails with the given reason. */
    static OperationHandler failing(Operation op, ResultReason reason) {
        return handler(op, (context, payload) -> {
            throw new KmipException(reason, "refused on purpose");
        });
    }

    /** "Destroy": throws an unexpected exception carrying a secret-looking message. */
    static OperationHandler exploding() {
        return handler(Operation.DESTROY, (context, payload) -> {
            throw new IllegalStateException("SECRET-INTERNAL-DETAIL at /var/lib/keyhold");
        });
    }

    /** "Check": answers the identifier it resolves (payload or ID Placeholder). */
    static OperationHandler echo() {
        return handler(Operation.CHECK, (context, payload) -> TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, ManagedObjects.uniqueIdentifier(context, payload))));
    }

    /** "Get": waits for the latch, then answers an empty payload. */
    static OperationHandler blocking(Operation op, CountDownLatch started, CountDownLatch release) {
        return handler(op, (context, payload) -> {
            started.countDown();
            try {
                if (!release.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "done"));
        });
    }

    interface Body {
        TtlvItem run(OperationContext context, TtlvItem payload) throws KmipException;
    }

    static OperationHandler handler(Operation op, Body body) {
        return new OperationHandler() {
            @Override
            public Operation operation() {
                return op;
            }

            @Override
            public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
                return body.run(context, payload);
            }
        };
    }
}
