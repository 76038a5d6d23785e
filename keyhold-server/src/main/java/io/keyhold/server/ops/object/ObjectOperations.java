package io.keyhold.server.ops.object;

import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.ops.OperationHandler;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/**
 * The handlers of the object operations: Create, Register, Get, Locate, Check, Activate, Revoke, Destroy,
 * Archive, Recover, Obtain Lease and Get Usage Allocation, in KMIP 1.0-1.4 and 2.0-2.1.
 */
public final class ObjectOperations {
    /** The lease Obtain Lease grants on objects without a Lease Time attribute. */
    public static final long DEFAULT_LEASE_SECONDS = 3600;

    private ObjectOperations() {}

    /**
     * One handler per operation, ready to register with the dispatcher.
     *
     * @param random the source of key material for Create
     */
    public static List<OperationHandler> handlers(SecureRandom random) {
        return handlers(random, CryptoPolicy.DEFAULT);
    }

    /**
     * One handler per operation, Create restricted to what the policy allows.
     *
     * @param random the source of key material for Create
     * @param policy the algorithms and key sizes allowed
     */
    public static List<OperationHandler> handlers(SecureRandom random, CryptoPolicy policy) {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(policy, "policy");
        return List.of(
                new CreateHandler(random, policy),
                new RegisterHandler(policy),
                new GetHandler(random, policy),
                new LocateHandler(),
                new CheckHandler(),
                new ActivateHandler(),
                new RevokeHandler(),
                new DestroyHandler(),
                new ArchiveHandler(),
                new RecoverHandler(),
                new ObtainLeaseHandler(DEFAULT_LEASE_SECONDS),
                new GetUsageAllocationHandler());
    }
}
