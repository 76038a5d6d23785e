package io.keyhold.server.dispatch;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.VersionRules;
import java.util.EnumMap;
import java.util.Map;

/**
 * Result Reasons as a given protocol version can carry them. KMIP 2.0 added many precise reasons and
 * dropped two of 1.x (Illegal Operation, Index Out of Bounds); a reason the request's version does not
 * have is replaced by the closest one it has, else General Failure, so that an old client never receives
 * an enumeration value it cannot parse.
 */
public final class ResultReasons {
    private static final VersionRules RULES = VersionRules.standard();
    private static final Map<ResultReason, ResultReason> CLOSEST = new EnumMap<>(ResultReason.class);

    static {
        // 2.x-only reasons -> their 1.x counterparts (KMIP 1.4 section 11, error handling per operation)
        for (ResultReason r : new ResultReason[] {ResultReason.ATTRIBUTE_NOT_FOUND, ResultReason.ATTRIBUTE_INSTANCE_NOT_FOUND,
                ResultReason.OBJECT_NOT_FOUND, ResultReason.WRAPPING_OBJECT_NOT_FOUND, ResultReason.UNKNOWN_OBJECT_GROUP,
                ResultReason.INVALID_ASYNCHRONOUS_CORRELATION_VALUE, ResultReason.INVALID_CORRELATION_VALUE}) {
            CLOSEST.put(r, ResultReason.ITEM_NOT_FOUND);
        }
        for (ResultReason r : new ResultReason[] {ResultReason.ATTRIBUTE_READ_ONLY, ResultReason.READ_ONLY_ATTRIBUTE,
                ResultReason.NOT_AUTHORISED, ResultReason.INVALID_TICKET, ResultReason.INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
                ResultReason.USAGE_LIMIT_EXCEEDED}) {
            CLOSEST.put(r, ResultReason.PERMISSION_DENIED);
        }
        for (ResultReason r : new ResultReason[] {ResultReason.ATTRIBUTE_SINGLE_VALUED, ResultReason.MULTI_VALUED_ATTRIBUTE,
                ResultReason.NON_UNIQUE_NAME_ATTRIBUTE, ResultReason.OBJECT_ARCHIVED,
                ResultReason.OBJECT_DESTROYED, ResultReason.WRAPPING_OBJECT_ARCHIVED, ResultReason.WRAPPING_OBJECT_DESTROYED,
                ResultReason.DUPLICATE_PROCESS_REQUEST}) {
            CLOSEST.put(r, ResultReason.ILLEGAL_OPERATION);
        }
        for (ResultReason r : new ResultReason[] {ResultReason.NUMERIC_RANGE, ResultReason.INVALID_DATA_TYPE,
                ResultReason.INVALID_ATTRIBUTE, ResultReason.INVALID_ATTRIBUTE_VALUE, ResultReason.INVALID_CSR,
                ResultReason.INVALID_OBJECT_TYPE, ResultReason.ILLEGAL_OBJECT_TYPE, ResultReason.UNKNOWN_ENUMERATION,
                ResultReason.UNKNOWN_TAG, ResultReason.BAD_CRYPTOGRAPHIC_PARAMETERS, ResultReason.BAD_PASSWORD,
                ResultReason.CONSTRAINT_VIOLATION}) {
            CLOSEST.put(r, ResultReason.INVALID_FIELD);
        }
        for (ResultReason r : new ResultReason[] {ResultReason.UNSUPPORTED_ATTRIBUTE, ResultReason.KEY_WRAP_TYPE_NOT_SUPPORTED,
                ResultReason.UNKNOWN_MESSAGE_EXTENSION, ResultReason.UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS}) {
            CLOSEST.put(r, ResultReason.FEATURE_NOT_SUPPORTED);
        }
        CLOSEST.put(ResultReason.CODEC_ERROR, ResultReason.INVALID_MESSAGE);
        CLOSEST.put(ResultReason.UNSUPPORTED_PROTOCOL_VERSION, ResultReason.INVALID_MESSAGE);
        CLOSEST.put(ResultReason.MISSING_INITIALIZATION_VECTOR, ResultReason.MISSING_DATA);
        // 1.x-only reasons -> their 2.x counterparts
        CLOSEST.put(ResultReason.ILLEGAL_OPERATION, ResultReason.WRONG_KEY_LIFECYCLE_STATE);
        CLOSEST.put(ResultReason.INDEX_OUT_OF_BOUNDS, ResultReason.ATTRIBUTE_INSTANCE_NOT_FOUND);
    }

    private ResultReasons() {}

    /** The reason itself when the version has it, else the closest reason it has, else General Failure. */
    public static ResultReason forVersion(ResultReason reason, KmipVersion version) {
        if (reason == ResultReason.WRONG_KEY_LIFECYCLE_STATE && version.compareTo(KmipVersion.V2_1) < 0) {
            // the OASIS test cases answer a wrong lifecycle state with Permission Denied up to KMIP 2.0 and
            // with Wrong Key Lifecycle State from 2.1 (AKLC-M-2-14/-20/-21, AKLC-M-3-20/-21, CS-AC-M-8-14/-20/-21)
            return ResultReason.PERMISSION_DENIED;
        }
        ResultReason r = reason;
        for (int hops = 0; hops < 3 && r != null; hops++) {
            if (has(r, version)) {
                return r;
            }
            r = CLOSEST.get(r);
        }
        return ResultReason.GENERAL_FAILURE;
    }

    /** Whether the version defines the reason. */
    public static boolean has(ResultReason reason, KmipVersion version) {
        return RULES.hasValue(ResultReason.SPEC_NAME, reason.value(), version);
    }
}
