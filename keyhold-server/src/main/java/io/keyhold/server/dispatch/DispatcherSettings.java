package io.keyhold.server.dispatch;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the dispatcher says about the server and how it bounds asynchronous work.
 *
 * @param serverName          Server Name in Query Server Information (2.x)
 * @param serverVersion       Server Version in Query Server Information (2.x)
 * @param supportedVersions   protocol versions served, in preference order (highest preference first)
 * @param objectTypes         object types the object operations handle, for Query Objects
 * @param asyncThreads        threads that execute asynchronous requests
 * @param asyncMaxOutstanding most asynchronous results kept (pending or finished, all clients together)
 * @param asyncRetention      how long a finished asynchronous result waits for its Poll
 * @param maxBatchItems       most batch items in one request message (limits.max_batch_items); 0: no limit
 */
public record DispatcherSettings(String serverName, String serverVersion, List<KmipVersion> supportedVersions,
                                 List<ObjectType> objectTypes, int asyncThreads, int asyncMaxOutstanding,
                                 Duration asyncRetention, int maxBatchItems) {

    /** Settings without a batch item limit. */
    public DispatcherSettings(String serverName, String serverVersion, List<KmipVersion> supportedVersions,
                              List<ObjectType> objectTypes, int asyncThreads, int asyncMaxOutstanding,
                              Duration asyncRetention) {
        this(serverName, serverVersion, supportedVersions, objectTypes, asyncThreads, asyncMaxOutstanding,
                asyncRetention, 0);
    }

    public DispatcherSettings {
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(serverVersion, "serverVersion");
        supportedVersions = List.copyOf(supportedVersions);
        objectTypes = List.copyOf(objectTypes);
        Objects.requireNonNull(asyncRetention, "asyncRetention");
        if (supportedVersions.isEmpty()) {
            throw new IllegalArgumentException("supportedVersions is empty");
        }
        for (KmipVersion v : supportedVersions) {
            if (!v.isKnown()) {
                throw new IllegalArgumentException("protocol version " + v + " (expected: one of " + KmipVersion.KNOWN + ")");
            }
        }
        if (asyncThreads < 1 || asyncMaxOutstanding < 1) {
            throw new IllegalArgumentException("asyncThreads " + asyncThreads + ", asyncMaxOutstanding "
                    + asyncMaxOutstanding + " (expected: >= 1)");
        }
        if (maxBatchItems < 0) {
            throw new IllegalArgumentException("maxBatchItems " + maxBatchItems + " (expected: >= 0)");
        }
    }

    /** These settings with another batch item limit (0: none). */
    public DispatcherSettings withMaxBatchItems(int limit) {
        return new DispatcherSettings(serverName, serverVersion, supportedVersions, objectTypes, asyncThreads,
                asyncMaxOutstanding, asyncRetention, limit);
    }

    /** KMIP 2.1 down to 1.0, the usual key and secret object types, two async threads, 10000 results kept 1 hour. */
    public static DispatcherSettings defaults() {
        return new DispatcherSettings("Keyhold", "0.1.0",
                List.of(KmipVersion.V2_1, KmipVersion.V2_0, KmipVersion.V1_4, KmipVersion.V1_3, KmipVersion.V1_2,
                        KmipVersion.V1_1, KmipVersion.V1_0),
                List.of(ObjectType.SYMMETRIC_KEY, ObjectType.PUBLIC_KEY, ObjectType.PRIVATE_KEY, ObjectType.SECRET_DATA,
                        ObjectType.OPAQUE_OBJECT, ObjectType.CERTIFICATE),
                2, 10_000, Duration.ofHours(1));
    }

    public boolean supports(KmipVersion version) {
        return supportedVersions.contains(version);
    }
}
